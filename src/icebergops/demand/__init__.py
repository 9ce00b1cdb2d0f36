"""Order lines → demand history; forecasting; accuracy evaluation."""
