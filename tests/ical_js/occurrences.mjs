// Reads an .ics file on stdin and prints, as JSON, every occurrence Mozilla's ical.js expands
// between the two UTC instants given as arguments (ISO 8601; defaults: 1970 to 2100):
// [{uid, start, end, recurrence_id, status, summary, url, location, description}, ...]
// start/end/recurrence_id are UTC ISO strings, converted with the file's own VTIMEZONEs.
import ICAL from "ical.js";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const root = new ICAL.Component(ICAL.parse(Buffer.concat(chunks).toString("utf8")));
for (const tz of root.getAllSubcomponents("vtimezone")) ICAL.TimezoneService.register(tz);

const bound = (text, fallback) => ICAL.Time.fromJSDate(new Date(text ?? fallback), true);
const from = bound(process.argv[2], "1970-01-01T00:00:00Z");
const to = bound(process.argv[3], "2100-01-01T00:00:00Z");
const utc = (t) => (t ? t.toJSDate().toISOString() : null);

const masters = new Map();
const exceptions = [];
for (const vevent of root.getAllSubcomponents("vevent")) {
  if (vevent.hasProperty("recurrence-id")) exceptions.push(vevent);
  else masters.set(vevent.getFirstPropertyValue("uid"), new ICAL.Event(vevent));
}
for (const vevent of exceptions) {
  // an override whose series is not in the file is shown on its own, like a client would
  const master = masters.get(vevent.getFirstPropertyValue("uid"));
  if (master) master.relateException(vevent);
  else masters.set(`${vevent.getFirstPropertyValue("uid")}#${exceptions.indexOf(vevent)}`, new ICAL.Event(vevent));
}

const out = [];
const describe = (item, start, end, recurrenceId) => {
  const c = item.component;
  out.push({
    uid: item.uid, start: utc(start), end: utc(end), recurrence_id: utc(recurrenceId),
    status: c.getFirstPropertyValue("status"), summary: item.summary,
    url: c.getFirstPropertyValue("url"), location: item.location, description: item.description,
  });
};
for (const event of masters.values()) {
  if (!event.isRecurring()) {
    if (event.startDate.compare(to) < 0 && event.endDate.compare(from) > 0) {
      describe(event, event.startDate, event.endDate, event.recurrenceId);
    }
    continue;
  }
  const it = event.iterator();
  for (let next = it.next(); next && next.compare(to) < 0; next = it.next()) {
    const details = event.getOccurrenceDetails(next);
    if (details.endDate.compare(from) <= 0) continue;
    describe(details.item, details.startDate, details.endDate, details.recurrenceId);
  }
}
out.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
process.stdout.write(JSON.stringify(out));
