<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>KnowledgePane</name>
    <message>
        <source>Search the knowledge base (Chinese or English)…</source>
        <translation>Search the knowledge base (Chinese or English)…</translation>
    </message>
    <message>
        <source>Results</source>
        <translation>Results</translation>
    </message>
    <message>
        <source>Suggested</source>
        <translation>Suggested</translation>
    </message>
    <message>
        <source>Favourites</source>
        <translation>Favourites</translation>
    </message>
    <message>
        <source>Recently viewed</source>
        <translation>Recently viewed</translation>
    </message>
    <message numerus="yes">
        <source>%n article(s) found</source>
        <translation>
            <numerusform>%n article found</numerusform>
            <numerusform>%n articles found</numerusform>
        </translation>
    </message>
    <message>
        <source>Offline: only favourites and recently viewed articles are available.</source>
        <translation>Offline: only favourites and recently viewed articles are available.</translation>
    </message>
    <message>
        <source>The search failed. Please try again.</source>
        <translation>The search failed. Please try again.</translation>
    </message>
    <message>
        <source>No matching articles.</source>
        <translation>No matching articles.</translation>
    </message>
    <message>
        <source>Updated today</source>
        <translation>Updated today</translation>
    </message>
    <message>
        <source>No favourites yet: use ☆ on an article.</source>
        <translation>No favourites yet: use ☆ on an article.</translation>
    </message>
    <message>
        <source>No articles viewed yet.</source>
        <translation>No articles viewed yet.</translation>
    </message>
    <message>
        <source>★ Favourite</source>
        <translation>★ Favourite</translation>
    </message>
    <message>
        <source>☆ Add to favourites</source>
        <translation>☆ Add to favourites</translation>
    </message>
    <message>
        <source>This article is not saved on this computer and the hub is unreachable.</source>
        <translation>This article is not saved on this computer and the hub is unreachable.</translation>
    </message>
    <message>
        <source>The article could not be opened.</source>
        <translation>The article could not be opened.</translation>
    </message>
    <message>
        <source>No article open</source>
        <translation>No article open</translation>
    </message>
    <message>
        <source>Updated %1</source>
        <translation>Updated %1</translation>
    </message>
</context>
</TS>
