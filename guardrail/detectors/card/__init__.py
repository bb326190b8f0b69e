"""Card rules: what a dataset card's metadata and prose say about X, and what kept it unread.

`parsed_card` is the data every card detector reads; `card_detector` the interface they implement.
"""
