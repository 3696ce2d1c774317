"""A SearchRequest -> SearchResponse over the index."""
