"""National action plans (recommendations, actions, progress updates) and policy consultations."""
