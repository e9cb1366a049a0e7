"""The Qt shell: main window, docks, layouts, hotkeys, theme, frame clock, qasync bridge."""
