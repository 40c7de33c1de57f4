# A tiny migration runner: ordered, numbered schema changes, and a table that
# remembers which number this database is at.
import os
from sqlalchemy import create_engine, text

TARGET = "head"      # a version number, or "head" for the newest one

# (version, description, upgrade SQL, downgrade SQL) -- never edit one that has
# been applied somewhere; add a new one instead.
MIGRATIONS = [
    (1, "create notes",
        "CREATE TABLE mig_notes (id INT AUTO_INCREMENT PRIMARY KEY, body VARCHAR(200) NOT NULL)",
        "DROP TABLE mig_notes"),
    (2, "add pinned",
        "ALTER TABLE mig_notes ADD COLUMN pinned BOOLEAN NOT NULL DEFAULT 0",
        "ALTER TABLE mig_notes DROP COLUMN pinned"),
    (3, "add created_at",
        "ALTER TABLE mig_notes ADD COLUMN created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP",
        "ALTER TABLE mig_notes DROP COLUMN created_at"),
]

engine = create_engine(os.environ["SQLALCHEMY_URL"], future=True)

def set_version(conn, v):
    conn.execute(text("DELETE FROM mig_schema_version"))
    conn.execute(text("INSERT INTO mig_schema_version (version) VALUES (:v)"), {"v": v})

with engine.begin() as conn:
    conn.execute(text("CREATE TABLE IF NOT EXISTS mig_schema_version (version INT NOT NULL)"))
    current = conn.execute(text("SELECT MAX(version) FROM mig_schema_version")).scalar() or 0

target = MIGRATIONS[-1][0] if TARGET == "head" else int(TARGET)
print(f"database is at version {current}, target is {target}")

if target > current:                       # upgrade: apply the missing ones in order
    for version, name, up, down in MIGRATIONS:
        if current < version <= target:
            with engine.begin() as conn:
                conn.execute(text(up))
                set_version(conn, version)   # record it right after it worked
            print(f"  upgraded to {version}: {name}")
elif target < current:                     # downgrade: undo in reverse order
    for version, name, up, down in reversed(MIGRATIONS):
        if target < version <= current:
            with engine.begin() as conn:
                conn.execute(text(down))
                set_version(conn, version - 1)
            print(f"  downgraded from {version}: {name}")
else:
    print("  nothing to do")
