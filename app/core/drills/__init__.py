"""Practice drills: the catalogue, prompts and scoring (pure; the runner lives in app/ui/drills/)."""
