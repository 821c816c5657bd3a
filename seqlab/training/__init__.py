"""Stage 6: training sequence models on real data (NSMC sentiment, Seq2Seq, time series) in PyTorch."""
