"""vocgui: curate multi-label PASCAL VOC datasets, train Keras models, review what they learned.

Layers (imports point downwards only, enforced by import-linter in CI):

- ``vocgui.qt``: the desktop app (the only package that imports PySide6).
- ``vocgui.training``: Keras/TensorFlow, run in its own process by the app.
- ``vocgui.plots``: matplotlib figures shared by the app and the command line.
- ``vocgui.core``: pure Python + numpy/pandas: VOC loading, statistics, the project store,
  evaluation maths.
"""

__version__ = "0.1.0"
