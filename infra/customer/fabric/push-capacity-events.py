# Fabric notebook (Python) for the PUSH path: forwards "Fabric capacity overview events" that an
# Eventstream lands in an Eventhouse table to the provider's collector. Schedule it every 5-15 minutes.
#
# Setup (your tenant): Real-Time hub > Fabric events > Fabric capacity overview events > Create
# eventstream (a capacity admin must do this) > destination: an Eventhouse table, e.g. CapacityEvents,
# with columns as the events arrive (id, type, time, data...). The provider sends you the ingest URL and
# an ingest key (shown once): keep the key in a Key Vault secret, never in the notebook.
import json, requests
from notebookutils import credentials  # Fabric notebook runtime

COLLECTOR = "https://<collector-app>.azurewebsites.net/api/customers/<customer-id>/fabric-events"
INGEST_KEY = credentials.getSecret("https://<your-vault>.vault.azure.net/", "ctc-ingest-key")
KUSTO_URI = "https://<eventhouse-query-uri>"
DATABASE = "<kql-database>"
QUERY = """
CapacityEvents
| where ingestion_time() > ago(30m)
| summarize take_any(*) by id           // Fabric delivers best effort: drop duplicates early
| project id, type, source, subject, time, specversion, dataschemaversion, data
"""

token = credentials.getToken(KUSTO_URI)
answer = requests.post(f"{KUSTO_URI}/v1/rest/query", headers={"Authorization": f"Bearer {token}"},
                       json={"db": DATABASE, "csl": QUERY}, timeout=60)
answer.raise_for_status()
table = answer.json()["Tables"][0]
names = [c["ColumnName"] for c in table["Columns"]]
events = [dict(zip(names, row)) for row in table["Rows"]]
for e in events:
    if isinstance(e.get("data"), str):
        e["data"] = json.loads(e["data"])

for start in range(0, len(events), 1000):  # the collector takes up to 1,000 events per request
    batch = events[start:start + 1000]
    r = requests.post(COLLECTOR, headers={"x-ctc-ingest-key": INGEST_KEY, "content-type": "application/json"},
                      data=json.dumps(batch), timeout=60)
    if r.status_code == 400:
        raise SystemExit(f"Collector refused the batch: {r.json().get('detail')}")  # names the event and why
    r.raise_for_status()
    print(r.json())  # {"received": n, "accepted": n, "duplicates": n}
