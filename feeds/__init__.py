"""Partner feed connectors: turn whatever a partner hands over into validated post records.

Stage one of the one-way flow (**feeds** → features → models → review → reports). Connectors only
*yield* records and the next cursor; storing a batch and its cursor together is the flow's job,
done through ``store`` in one transaction.
"""
