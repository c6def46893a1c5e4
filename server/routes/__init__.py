"""HTTP and WebSocket routes; each module has ``build_router(ctx)``."""
