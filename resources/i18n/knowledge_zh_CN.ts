<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>KnowledgePane</name>
    <message>
        <source>Search the knowledge base (Chinese or English)…</source>
        <translation>搜索知识库（支持中英文）…</translation>
    </message>
    <message>
        <source>Results</source>
        <translation>搜索结果</translation>
    </message>
    <message>
        <source>Suggested</source>
        <translation>推荐</translation>
    </message>
    <message>
        <source>Favourites</source>
        <translation>收藏</translation>
    </message>
    <message>
        <source>Recently viewed</source>
        <translation>最近浏览</translation>
    </message>
    <message numerus="yes">
        <source>%n article(s) found</source>
        <translation>
            <numerusform>找到 %n 篇文章</numerusform>
        </translation>
    </message>
    <message>
        <source>Offline: only favourites and recently viewed articles are available.</source>
        <translation>离线：仅可查看收藏和最近浏览的文章。</translation>
    </message>
    <message>
        <source>The search failed. Please try again.</source>
        <translation>搜索失败，请重试。</translation>
    </message>
    <message>
        <source>No matching articles.</source>
        <translation>没有匹配的文章。</translation>
    </message>
    <message>
        <source>Updated today</source>
        <translation>今日更新</translation>
    </message>
    <message>
        <source>No favourites yet: use ☆ on an article.</source>
        <translation>暂无收藏：在文章上点击 ☆ 即可收藏。</translation>
    </message>
    <message>
        <source>No articles viewed yet.</source>
        <translation>暂无浏览记录。</translation>
    </message>
    <message>
        <source>★ Favourite</source>
        <translation>★ 已收藏</translation>
    </message>
    <message>
        <source>☆ Add to favourites</source>
        <translation>☆ 收藏</translation>
    </message>
    <message>
        <source>This article is not saved on this computer and the hub is unreachable.</source>
        <translation>本机未保存该文章，且暂时无法连接服务器。</translation>
    </message>
    <message>
        <source>The article could not be opened.</source>
        <translation>无法打开该文章。</translation>
    </message>
    <message>
        <source>No article open</source>
        <translation>未打开文章</translation>
    </message>
    <message>
        <source>Updated %1</source>
        <translation>更新于 %1</translation>
    </message>
</context>
</TS>
