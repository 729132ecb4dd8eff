"""The command line: click commands that turn flags into options and hand them to the library."""
