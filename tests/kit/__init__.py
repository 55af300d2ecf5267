"""What many test modules share: reading pages, building a world, counting."""
