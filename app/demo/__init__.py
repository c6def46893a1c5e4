"""The demo: a registrar, a simulated customer, the hub and the client on loopback (``python -m app.demo``)."""
