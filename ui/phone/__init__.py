"""The phone panel: dial pad, call controls, incoming-call toast, transfer, quality, registration and history."""
