"""Budget and payments: allocations, Ministry of Finance rates, round plans, spending, the ledger, reports."""
