PAGE_SIZE = 50


def query_without(query, key):
    query = query.copy()
    query.pop(key, None)
    return query.urlencode()
