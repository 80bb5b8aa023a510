"""A card terminal simulator: a separate process that speaks Sadad's PC-POS REST surface.

``kiosk terminal-sim --port P --ledger FILE [--script S]`` (:mod:`terminals.simulator.server`)
answers ``/api/Sale``, ``/api/BillPayment``, ``/api/Search``, ``/api/TransactionReport``,
``/api/DeviceInfo`` and ``/api/Abort`` as Sadad's service does, keeps the orders it approved
and reversed in the JSON file ``FILE`` (:mod:`terminals.simulator.ledger`, written atomically
and fsynced before it answers, as a terminal's log is), and does what it is told, per payment,
by the script file and the control endpoints (:mod:`terminals.simulator.behaviour`): approve,
decline with a code, time out, approve and lose the answer, refuse a concurrent request, be
offline, be slow, hold its answer. It mirrors the card reader's prompts at ``/sim/prompt``.

It is a fake for hardware, for tests, demonstrations and scripted checks: the standard
library's HTTP server is enough, and it never moves money.
"""
