"""The dialogs of the program: forms, confirmations and the setup of a new PC."""
