"""Qt-free, TensorFlow-free core: VOC loading, statistics, the project store, evaluation."""
