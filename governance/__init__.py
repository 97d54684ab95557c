"""The four governance committees, their members, meetings, votes, and the work packages."""
