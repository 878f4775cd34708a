"""What never reaches the conversation logs: secrets are masked before a tracker is stored."""
