"""The agent state bar (签入 / 示闲 / 示忙 / 小休 / 话后整理 / 签出): widgets over ``app.state``. Main thread only."""
