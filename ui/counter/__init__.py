"""Counter mode (``kiosk run --counter``): a clerk's windowed, keyboard-first console."""
