"""The embedded incident behind `warroom demo`: real things on this machine, a scripted story.

- `state.py`: the script clock (wall seconds x speed) and the shared world state.
- `service.py`: the HTTP service (health, two endpoints, an upstream Statuspage v2 page).
- `logwriter.py`: the application log, rotated once mid-run.
- `gitrepo.py`: a git repository of recent deploys; the rollback is a real `git revert`.
- `config.py`: the `warroom.toml` pointing the real sources at all of that.
- `scenario.py` / `story.py`: the timed steps and the story they tell.
- `world.py`: starts and stops everything (`DemoWorld`).

Nothing here imports Textual; `commands/demo_cmd.py` wires the world to the recorder or the app.
"""
