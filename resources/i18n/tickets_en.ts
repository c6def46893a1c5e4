<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>ConflictDialog</name>
    <message>
        <source>Ticket changed by someone else</source>
        <translation>Ticket changed by someone else</translation>
    </message>
    <message>
        <source>Ticket %1 was changed on the hub while you were editing it. Choose which version to keep; nothing is overwritten without your choice.</source>
        <translation>Ticket %1 was changed on the hub while you were editing it. Choose which version to keep; nothing is overwritten without your choice.</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>Subject</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Description</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>Customer</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Phone</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Priority</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Fields</source>
        <translation>Fields</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>Field</translation>
    </message>
    <message>
        <source>Your change</source>
        <translation>Your change</translation>
    </message>
    <message>
        <source>Now on the hub</source>
        <translation>Now on the hub</translation>
    </message>
    <message>
        <source>Keep my change</source>
        <translation>Keep my change</translation>
    </message>
    <message>
        <source>Use the hub&apos;s version</source>
        <translation>Use the hub&apos;s version</translation>
    </message>
</context>
<context>
    <name>TicketDetailView</name>
    <message>
        <source>Changes waiting to be sent to the hub</source>
        <translation>Changes waiting to be sent to the hub</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>Edit</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>Notes</translation>
    </message>
    <message>
        <source>History</source>
        <translation>History</translation>
    </message>
    <message>
        <source>Add a note…</source>
        <translation>Add a note…</translation>
    </message>
    <message>
        <source>Internal note</source>
        <translation>Internal note</translation>
    </message>
    <message>
        <source>Visible to the customer</source>
        <translation>Visible to the customer</translation>
    </message>
    <message>
        <source>Add note</source>
        <translation>Add note</translation>
    </message>
    <message>
        <source>No ticket selected</source>
        <translation>No ticket selected</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>Customer</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Priority</translation>
    </message>
    <message>
        <source>Assignee</source>
        <translation>Assignee</translation>
    </message>
    <message>
        <source>Unassigned</source>
        <translation>Unassigned</translation>
    </message>
    <message>
        <source>SLA due</source>
        <translation>SLA due</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Description</translation>
    </message>
    <message>
        <source>Calls</source>
        <translation>Calls</translation>
    </message>
    <message>
        <source>Closing template…</source>
        <translation>Closing template…</translation>
    </message>
    <message>
        <source>Waiting to be sent</source>
        <translation>Waiting to be sent</translation>
    </message>
    <message>
        <source>Internal</source>
        <translation>Internal</translation>
    </message>
    <message>
        <source>Compliance: %1</source>
        <translation>Compliance: %1</translation>
    </message>
    <message>
        <source>No notes yet.</source>
        <translation>No notes yet.</translation>
    </message>
    <message>
        <source>System</source>
        <translation>System</translation>
    </message>
    <message>
        <source>No history.</source>
        <translation>No history.</translation>
    </message>
    <message>
        <source>Notes are not available offline.</source>
        <translation>Notes are not available offline.</translation>
    </message>
    <message>
        <source>Compliance warning: the note contains forbidden phrases: %1</source>
        <translation>Compliance warning: the note contains forbidden phrases: %1</translation>
    </message>
</context>
<context>
    <name>TicketEditorDialog</name>
    <message>
        <source>New ticket</source>
        <translation>New ticket</translation>
    </message>
    <message>
        <source>Edit ticket %1</source>
        <translation>Edit ticket %1</translation>
    </message>
    <message>
        <source>e.g. 138 0013 8000 or 010-6552 1234</source>
        <translation>e.g. 138 0013 8000 or 010-6552 1234</translation>
    </message>
    <message>
        <source>Use suggested category</source>
        <translation>Use suggested category</translation>
    </message>
    <message>
        <source>Category *</source>
        <translation>Category *</translation>
    </message>
    <message>
        <source>Subject *</source>
        <translation>Subject *</translation>
    </message>
    <message>
        <source>Customer *</source>
        <translation>Customer *</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Phone</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Priority</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Description</translation>
    </message>
    <message>
        <source>Category fields</source>
        <translation>Category fields</translation>
    </message>
    <message>
        <source>Create</source>
        <translation>Create</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Save</translation>
    </message>
    <message>
        <source>From call %1 · %2 · started %3</source>
        <translation>From call %1 · %2 · started %3</translation>
    </message>
    <message>
        <source>duration %1</source>
        <translation>duration %1</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>Subject</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>Customer</translation>
    </message>
    <message>
        <source>Required: %1</source>
        <translation>Required: %1</translation>
    </message>
    <message>
        <source>The phone number is not valid.</source>
        <translation>The phone number is not valid.</translation>
    </message>
    <message>
        <source>Suggested category: %1 (matched: %2)</source>
        <translation>Suggested category: %1 (matched: %2)</translation>
    </message>
    <message>
        <source>Compliance warning: the text contains forbidden phrases: %1</source>
        <translation>Compliance warning: the text contains forbidden phrases: %1</translation>
    </message>
    <message>
        <source>This customer already has open tickets in this category: %1. Create another one anyway?</source>
        <translation>This customer already has open tickets in this category: %1. Create another one anyway?</translation>
    </message>
    <message>
        <source>Create anyway</source>
        <translation>Create anyway</translation>
    </message>
    <message>
        <source>Created from call %1 (%2), started %3</source>
        <translation>Created from call %1 (%2), started %3</translation>
    </message>
    <message>
        <source>Could not save the ticket.</source>
        <translation>Could not save the ticket.</translation>
    </message>
</context>
<context>
    <name>TicketLabels</name>
    <message>
        <source>New</source>
        <translation>New</translation>
    </message>
    <message>
        <source>In progress</source>
        <translation>In progress</translation>
    </message>
    <message>
        <source>Waiting for customer</source>
        <translation>Waiting for customer</translation>
    </message>
    <message>
        <source>Resolved</source>
        <translation>Resolved</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>Closed</translation>
    </message>
    <message>
        <source>Reopen</source>
        <translation>Reopen</translation>
    </message>
    <message>
        <source>Mark new</source>
        <translation>Mark new</translation>
    </message>
    <message>
        <source>Start work</source>
        <translation>Start work</translation>
    </message>
    <message>
        <source>Wait for customer</source>
        <translation>Wait for customer</translation>
    </message>
    <message>
        <source>Resolve</source>
        <translation>Resolve</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>Low</source>
        <translation>Low</translation>
    </message>
    <message>
        <source>Normal</source>
        <translation>Normal</translation>
    </message>
    <message>
        <source>High</source>
        <translation>High</translation>
    </message>
    <message>
        <source>Urgent</source>
        <translation>Urgent</translation>
    </message>
    <message>
        <source>Your session has ended. Please sign in again.</source>
        <translation>Your session has ended. Please sign in again.</translation>
    </message>
    <message>
        <source>Too many failed sign-ins. Try again in a few minutes.</source>
        <translation>Too many failed sign-ins. Try again in a few minutes.</translation>
    </message>
    <message>
        <source>You signed in on another computer, so this session was closed.</source>
        <translation>You signed in on another computer, so this session was closed.</translation>
    </message>
    <message>
        <source>The hub cannot be reached. Your work is kept and will be sent when it is back.</source>
        <translation>The hub cannot be reached. Your work is kept and will be sent when it is back.</translation>
    </message>
    <message>
        <source>The hub&apos;s certificate is not trusted. Ask IT to check the site CA setting.</source>
        <translation>The hub&apos;s certificate is not trusted. Ask IT to check the site CA setting.</translation>
    </message>
    <message>
        <source>Someone else changed this ticket at the same time.</source>
        <translation>Someone else changed this ticket at the same time.</translation>
    </message>
    <message>
        <source>The hub did not accept the data. Check the highlighted fields.</source>
        <translation>The hub did not accept the data. Check the highlighted fields.</translation>
    </message>
    <message>
        <source>This ticket or article no longer exists.</source>
        <translation>This ticket or article no longer exists.</translation>
    </message>
    <message>
        <source>The hub had a problem. Please try again shortly.</source>
        <translation>The hub had a problem. Please try again shortly.</translation>
    </message>
    <message>
        <source>The hub sent data this version cannot read.</source>
        <translation>The hub sent data this version cannot read.</translation>
    </message>
    <message>
        <source>The local ticket cache could not be read.</source>
        <translation>The local ticket cache could not be read.</translation>
    </message>
    <message>
        <source>The system keyring is not available, so data cannot be stored securely.</source>
        <translation>The system keyring is not available, so data cannot be stored securely.</translation>
    </message>
    <message>
        <source>You are not allowed to do this.</source>
        <translation>You are not allowed to do this.</translation>
    </message>
    <message>
        <source>This customer already has an open ticket in this category.</source>
        <translation>This customer already has an open ticket in this category.</translation>
    </message>
    <message>
        <source>This AgentDesk version is too old for the hub. Please update.</source>
        <translation>This AgentDesk version is too old for the hub. Please update.</translation>
    </message>
    <message>
        <source>Required</source>
        <translation>Required</translation>
    </message>
    <message>
        <source>Too long</source>
        <translation>Too long</translation>
    </message>
    <message>
        <source>Not a valid phone number</source>
        <translation>Not a valid phone number</translation>
    </message>
    <message>
        <source>Not one of the allowed values</source>
        <translation>Not one of the allowed values</translation>
    </message>
    <message>
        <source>Wrong format</source>
        <translation>Wrong format</translation>
    </message>
    <message>
        <source>Invalid value</source>
        <translation>Invalid value</translation>
    </message>
</context>
<context>
    <name>TicketPanel</name>
    <message>
        <source>My open tickets</source>
        <translation>My open tickets</translation>
    </message>
    <message>
        <source>Team queue</source>
        <translation>Team queue</translation>
    </message>
    <message>
        <source>Recently updated</source>
        <translation>Recently updated</translation>
    </message>
    <message>
        <source>Caller&apos;s tickets</source>
        <translation>Caller&apos;s tickets</translation>
    </message>
    <message>
        <source>Filter by number, customer, phone…</source>
        <translation>Filter by number, customer, phone…</translation>
    </message>
    <message>
        <source>New ticket</source>
        <translation>New ticket</translation>
    </message>
    <message>
        <source>New ticket from this call</source>
        <translation>New ticket from this call</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>Dismiss</translation>
    </message>
    <message>
        <source>A change to a ticket was refused by the hub: %1</source>
        <translation>A change to a ticket was refused by the hub: %1</translation>
    </message>
    <message>
        <source>The local ticket cache was damaged and has been rebuilt from the hub. Unsent changes are kept.</source>
        <translation>The local ticket cache was damaged and has been rebuilt from the hub. Unsent changes are kept.</translation>
    </message>
    <message>
        <source>Syncing tickets %1</source>
        <translation>Syncing tickets %1</translation>
    </message>
    <message>
        <source>Syncing tickets %1 / %2</source>
        <translation>Syncing tickets %1 / %2</translation>
    </message>
    <message>
        <source>Connected to the hub</source>
        <translation>Connected to the hub</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Connecting…</translation>
    </message>
    <message>
        <source>Offline — showing saved tickets; changes will be sent later</source>
        <translation>Offline — showing saved tickets; changes will be sent later</translation>
    </message>
    <message>
        <source>Signed out — sign in again to sync</source>
        <translation>Signed out — sign in again to sync</translation>
    </message>
    <message>
        <source>Not signed in</source>
        <translation>Not signed in</translation>
    </message>
    <message numerus="yes">
        <source>%n change(s) waiting to be sent</source>
        <translation>
            <numerusform>%n change waiting to be sent</numerusform>
            <numerusform>%n changes waiting to be sent</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n conflict(s) to resolve</source>
        <translation>
            <numerusform>%n conflict to resolve</numerusform>
            <numerusform>%n conflicts to resolve</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n change(s) refused</source>
        <translation>
            <numerusform>%n change refused</numerusform>
            <numerusform>%n changes refused</numerusform>
        </translation>
    </message>
    <message>
        <source>Unknown caller</source>
        <translation>Unknown caller</translation>
    </message>
    <message numerus="yes">
        <source>Incoming call: %1 (%2) — %n open ticket(s)</source>
        <translation>
            <numerusform>Incoming call: %1 (%2) — %n open ticket</numerusform>
            <numerusform>Incoming call: %1 (%2) — %n open tickets</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TicketTableModel</name>
    <message>
        <source>%1d %2h</source>
        <translation>%1d %2h</translation>
    </message>
    <message>
        <source>%1h %2m</source>
        <translation>%1h %2m</translation>
    </message>
    <message>
        <source>%1m</source>
        <translation>%1m</translation>
    </message>
    <message>
        <source>Overdue %1</source>
        <translation>Overdue %1</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>Number</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>Customer</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Priority</translation>
    </message>
    <message>
        <source>SLA due</source>
        <translation>SLA due</translation>
    </message>
    <message>
        <source>(not sent yet)</source>
        <translation>(not sent yet)</translation>
    </message>
    <message>
        <source>Local changes are waiting to be sent to the hub.</source>
        <translation>Local changes are waiting to be sent to the hub.</translation>
    </message>
</context>
</TS>
