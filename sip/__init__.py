"""The softphone: pjsua2 wrapped in typed, Qt-free events. No pjsua2 type leaves this package.

- :mod:`sip.model` — settings, states, snapshots, events, errors (plain dataclasses and enums);
- :mod:`sip.engine` — ``SipEngine``: the one thread that owns pjsua2 (importing it loads pjsua2);
- :mod:`sip.media` — the ``CallAudio`` hook where call audio is connected (the headset bridge plugs in here);
- :mod:`sip.numbers`, :mod:`sip.quality`, :mod:`sip.history`, :mod:`sip.netmon` — pure helpers.

Importing ``sip`` itself loads nothing heavy.
"""
