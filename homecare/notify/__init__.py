"""Notifications: the senders and the dispatcher that works through the outbox."""
