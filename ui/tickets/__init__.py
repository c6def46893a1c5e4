"""The ticket (工单) panel: table of tickets with views, detail, create/edit, conflicts, and screen pop. Main thread."""
