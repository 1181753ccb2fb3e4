"""An auditor's own recomputation of a Keyrite ceremony log's plan and confirmation digests, written
from docs/FORMAT.md alone (Python standard library, no Keyrite code). Prints one line per
digest: kind, recorded, recomputed."""
import hashlib, json, sqlite3, sys

def canonical(value):
    # docs/FORMAT.md: sorted keys, no whitespace, JSON.stringify escapes, UTF-8; integers only.
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")

def digest(domain, value):
    return hashlib.sha256(domain.encode("utf-8") + canonical(value)).hexdigest()

db, plan_file = sys.argv[1], sys.argv[2]
con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
with open(plan_file, encoding="utf-8") as f:
    plan = json.load(f)
for ceremony, payload in con.execute("SELECT ceremony_id, payload FROM records WHERE type = 'ceremony.started'"):
    print("plan", json.loads(payload)["planDigest"], digest("keyrite/plan/v2\n", plan))
for ceremony, payload in con.execute("SELECT ceremony_id, payload FROM records WHERE type = 'step.challenge' ORDER BY seq"):
    p = json.loads(payload)
    body = {k: p[k] for k in ("stepId", "facts", "chainHead", "nonce", "expiresAt")}
    body["ceremonyId"] = ceremony
    print("confirmation", p["digest"], digest("keyrite/confirmation/v2\n", body))
