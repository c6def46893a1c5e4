"""AgentDesk core: configuration, credentials, logging, agent state, hub protocol and sync, wiring. Qt-free but for
thin adapters (``app/bridge.py``); never imports ``ui``."""
