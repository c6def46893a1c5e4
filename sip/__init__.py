"""The softphone: pjsua2 wrapped in typed, Qt-free events. No pjsua2 type leaves this package."""
