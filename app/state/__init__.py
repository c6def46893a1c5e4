"""Agent state (签入 / 示闲 / 示忙 / 小休 / 话后整理 / 签出): the shared model, the client's pending-change controller and
the coupling with the softphone. Qt-free; the Qt adapter lives in ``app/state/bridge.py`` only."""
