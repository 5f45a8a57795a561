"""Terminal rendering shared by the CLI and the shell: colour, text and JSON output, progress bars."""
