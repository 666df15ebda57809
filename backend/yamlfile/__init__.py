"""One YAML toolkit for every file a person edits: gate policies, redaction, providers.

``marked`` keeps the line and column of every key and value and records duplicate keys;
``schema`` checks a mapping's keys and value types against a ``Field`` table; ``report``
parses a file into a mapping and renders each problem as ``file:line:column message``, with
"did you mean" suggestions where a spelling is close to a valid one.
"""
