"""Support and deployment UI: the blocking "update required" dialog and the Help → diagnostics bundle action."""
