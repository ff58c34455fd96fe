"""Thin Discord adapters: convert inputs, call one service, render, respond."""
