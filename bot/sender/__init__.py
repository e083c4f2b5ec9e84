"""The outbox sender: delivers the rows that committed transactions left in `outbox`.

How a row travels:

1. **Claim** (a short transaction): `SELECT ... FOR UPDATE SKIP LOCKED` the oldest due
   pending row of each chat (a chat's later row waits while an earlier one is pending,
   retrying or claimed elsewhere), then give each a lease (`claimed_until`, `claim_token`)
   and commit. No lock is held across network calls or sleeps. On PostgreSQL several
   processes claim side by side and never get the same row; on SQLite (one process)
   SQLAlchemy drops the `FOR UPDATE` and the write lock serialises claims.
2. **Send**, within Telegram's limits: a global sliding window (25 calls/s by default),
   one call per second to a private chat and 20 per minute to a group. A 429 pauses all
   sending for `retry_after`.
3. **Record the outcome** (another short transaction, only if the lease is still ours):
   sent; retry later (transient: 5xx, timeouts, connection errors, 429 after its
   `retry_after`); failed with its error (permanent: 400 for this message, 403 the user
   blocked the bot, 413); the user marked `bot_blocked` on 403.

Transient failures are retried with capped exponential backoff and "equal jitter" (the
n-th retry waits between half and all of `min(cap, base * 2**(n-1))`, cap 5 minutes by
default) for at least the retry window (`OUTBOX_RETRY_HOURS`, 24 by default): a Telegram
outage of hours loses nothing, and once Telegram answers again each row goes out at its
next retry, at most one backoff step (the cap) later. The window is counted in attempts
(`attempts_for_window`), so no clock is stored per row and a bot that was down itself
sends its queue when it comes back, however old.

A sender that dies mid-send leaves its rows claimed; they are claimed again once the
lease runs out (an attempt of the window). Time comes from an injectable clock, so tests
run the limits and the backoff in virtual time.

The package, one concern a module (import each from its module; nothing is re-exported):

- `clock`: the injectable clock;
- `limits`: Telegram's limits, in-process and shared through Redis, and the 429 pause;
- `outcome`: a claimed row and what became of its attempt;
- `policy`: the retry policy (backoff, the retry window) and which Telegram errors are
  transient and which permanent;
- `recording`: writing the outcomes down (a retried "mark sent", remembered card copies);
- `metrics`: what the sender reports;
- `loop`: the sender itself (claim, send, record);
- `wakeup`: waking the sender when a transaction that queued notifications commits.
"""
