"""An independent reference implementation of the metrics, for parity tests against the SQL engine."""
