"""Refugiu: case management, referral directory and programmes for victim-support NGOs."""
