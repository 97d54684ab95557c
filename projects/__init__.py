"""The twelve priority projects and the funded projects, with their follow-up."""
