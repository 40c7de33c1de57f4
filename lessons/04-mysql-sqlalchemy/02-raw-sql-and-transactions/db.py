# Shared by this lesson's programs: the engine, and two helpers.
import os
from sqlalchemy import create_engine, text

engine = create_engine(os.environ["SQLALCHEMY_URL"], future=True)

OPENING_BALANCES = [{"id": 1, "balance": 100}, {"id": 2, "balance": 50}, {"id": 3, "balance": 0}]


def reset_balances():
    """Puts the opening balances back, so a program starts from the same place on every run."""
    with engine.begin() as conn:
        conn.execute(text("UPDATE tx_accounts SET balance = :balance WHERE id = :id"), OPENING_BALANCES)


def show(label):
    """Prints every account's balance as a fresh connection sees it (committed data only)."""
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT owner, balance FROM tx_accounts ORDER BY id")).all()
    print(f"{label}:", ", ".join(f"{owner} {balance}" for owner, balance in rows))


if __name__ == "__main__":   # only when you run db.py itself, not when a program imports it
    show("now")
