"""Keras/TensorFlow training. Runs in a child process; never imports Qt.

Importing this package does not import TensorFlow: only the modules that build and
fit models do, and they are loaded inside the training process.
"""
