"""The helpdesk sidebar apps: build the installable zips and check them against each
platform's rules (docs/helpdesk-platforms.md) without a network or a vendor account."""
