"""The AgentDesk hub: the central server. Shares only ``app/protocol.py`` with the client."""
