"""Card payments: the terminal interface, the write-ahead payment and its recovery.

* :mod:`kiosk.payments.terminal`: the :class:`PaymentTerminal` protocol and its typed answers
  (the adapters are in ``sync.terminals``, injected);
* :mod:`kiosk.payments.reasons`: why a payment ended so, in plain words, and Sadad's codes;
* :mod:`kiosk.payments.states`: the states and the one table of transitions;
* :mod:`kiosk.payments.store`: the payments table, its only writer;
* :mod:`kiosk.payments.paid_bills`: the bills the city says are paid;
* :mod:`kiosk.payments.service`: paying, completing and reversing;
  :mod:`kiosk.payments.recovery`: asking the terminal about what is unfinished.
"""
