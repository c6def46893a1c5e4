<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ConflictDialog</name>
    <message>
        <source>Ticket changed by someone else</source>
        <translation>工单已被他人修改</translation>
    </message>
    <message>
        <source>Ticket %1 was changed on the hub while you were editing it. Choose which version to keep; nothing is overwritten without your choice.</source>
        <translation>您编辑期间，工单 %1 已在服务器上被修改。请选择保留哪个版本；未经您确认，任何内容都不会被覆盖。</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>问题描述</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>分类</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Fields</source>
        <translation>字段</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <source>Your change</source>
        <translation>您的修改</translation>
    </message>
    <message>
        <source>Now on the hub</source>
        <translation>服务器当前内容</translation>
    </message>
    <message>
        <source>Keep my change</source>
        <translation>保留我的修改</translation>
    </message>
    <message>
        <source>Use the hub&apos;s version</source>
        <translation>采用服务器版本</translation>
    </message>
</context>
<context>
    <name>TicketDetailView</name>
    <message>
        <source>Changes waiting to be sent to the hub</source>
        <translation>有修改等待提交到服务器</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>History</source>
        <translation>处理记录</translation>
    </message>
    <message>
        <source>Add a note…</source>
        <translation>添加备注…</translation>
    </message>
    <message>
        <source>Internal note</source>
        <translation>内部备注</translation>
    </message>
    <message>
        <source>Visible to the customer</source>
        <translation>客户可见</translation>
    </message>
    <message>
        <source>Add note</source>
        <translation>添加备注</translation>
    </message>
    <message>
        <source>No ticket selected</source>
        <translation>未选择工单</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>分类</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <source>Assignee</source>
        <translation>处理人</translation>
    </message>
    <message>
        <source>Unassigned</source>
        <translation>未分配</translation>
    </message>
    <message>
        <source>SLA due</source>
        <translation>SLA 到期</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>问题描述</translation>
    </message>
    <message>
        <source>Calls</source>
        <translation>关联通话</translation>
    </message>
    <message>
        <source>Closing template…</source>
        <translation>结单模板…</translation>
    </message>
    <message>
        <source>Waiting to be sent</source>
        <translation>等待提交</translation>
    </message>
    <message>
        <source>Internal</source>
        <translation>内部</translation>
    </message>
    <message>
        <source>Compliance: %1</source>
        <translation>合规提示：%1</translation>
    </message>
    <message>
        <source>No notes yet.</source>
        <translation>暂无备注。</translation>
    </message>
    <message>
        <source>System</source>
        <translation>系统</translation>
    </message>
    <message>
        <source>No history.</source>
        <translation>暂无处理记录。</translation>
    </message>
    <message>
        <source>Notes are not available offline.</source>
        <translation>离线状态下无法查看备注。</translation>
    </message>
    <message>
        <source>Compliance warning: the note contains forbidden phrases: %1</source>
        <translation>合规提醒：备注中包含禁用话术：%1</translation>
    </message>
</context>
<context>
    <name>TicketEditorDialog</name>
    <message>
        <source>New ticket</source>
        <translation>新建工单</translation>
    </message>
    <message>
        <source>Edit ticket %1</source>
        <translation>编辑工单 %1</translation>
    </message>
    <message>
        <source>e.g. 138 0013 8000 or 010-6552 1234</source>
        <translation>例如 138 0013 8000 或 010-6552 1234</translation>
    </message>
    <message>
        <source>Use suggested category</source>
        <translation>采用建议分类</translation>
    </message>
    <message>
        <source>Category *</source>
        <translation>分类 *</translation>
    </message>
    <message>
        <source>Subject *</source>
        <translation>标题 *</translation>
    </message>
    <message>
        <source>Customer *</source>
        <translation>客户 *</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>问题描述</translation>
    </message>
    <message>
        <source>Category fields</source>
        <translation>分类字段</translation>
    </message>
    <message>
        <source>Create</source>
        <translation>创建</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>From call %1 · %2 · started %3</source>
        <translation>来自通话 %1 · %2 · 开始于 %3</translation>
    </message>
    <message>
        <source>duration %1</source>
        <translation>通话时长 %1</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>分类</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Required: %1</source>
        <translation>请填写：%1</translation>
    </message>
    <message>
        <source>The phone number is not valid.</source>
        <translation>电话号码无效。</translation>
    </message>
    <message>
        <source>Suggested category: %1 (matched: %2)</source>
        <translation>建议分类：%1（匹配关键词：%2）</translation>
    </message>
    <message>
        <source>Compliance warning: the text contains forbidden phrases: %1</source>
        <translation>合规提醒：内容中包含禁用话术：%1</translation>
    </message>
    <message>
        <source>This customer already has open tickets in this category: %1. Create another one anyway?</source>
        <translation>该客户在此分类下已有未结工单：%1。仍要新建吗？</translation>
    </message>
    <message>
        <source>Create anyway</source>
        <translation>仍然创建</translation>
    </message>
    <message>
        <source>Created from call %1 (%2), started %3</source>
        <translation>由通话 %1（%2）创建，开始于 %3</translation>
    </message>
    <message>
        <source>Could not save the ticket.</source>
        <translation>工单保存失败。</translation>
    </message>
</context>
<context>
    <name>TicketLabels</name>
    <message>
        <source>New</source>
        <translation>新建</translation>
    </message>
    <message>
        <source>In progress</source>
        <translation>处理中</translation>
    </message>
    <message>
        <source>Waiting for customer</source>
        <translation>待客户反馈</translation>
    </message>
    <message>
        <source>Resolved</source>
        <translation>已解决</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>已关闭</translation>
    </message>
    <message>
        <source>Reopen</source>
        <translation>重新打开</translation>
    </message>
    <message>
        <source>Mark new</source>
        <translation>标为新建</translation>
    </message>
    <message>
        <source>Start work</source>
        <translation>开始处理</translation>
    </message>
    <message>
        <source>Wait for customer</source>
        <translation>等待客户反馈</translation>
    </message>
    <message>
        <source>Resolve</source>
        <translation>解决</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Low</source>
        <translation>低</translation>
    </message>
    <message>
        <source>Normal</source>
        <translation>普通</translation>
    </message>
    <message>
        <source>High</source>
        <translation>高</translation>
    </message>
    <message>
        <source>Urgent</source>
        <translation>紧急</translation>
    </message>
    <message>
        <source>Your session has ended. Please sign in again.</source>
        <translation>登录已失效，请重新登录。</translation>
    </message>
    <message>
        <source>Too many failed sign-ins. Try again in a few minutes.</source>
        <translation>登录失败次数过多，请几分钟后再试。</translation>
    </message>
    <message>
        <source>You signed in on another computer, so this session was closed.</source>
        <translation>您已在另一台电脑登录，本机会话已结束。</translation>
    </message>
    <message>
        <source>The hub cannot be reached. Your work is kept and will be sent when it is back.</source>
        <translation>暂时无法连接服务器，您的操作已保存，恢复连接后会自动提交。</translation>
    </message>
    <message>
        <source>The hub&apos;s certificate is not trusted. Ask IT to check the site CA setting.</source>
        <translation>服务器证书不受信任，请联系 IT 检查站点 CA 设置。</translation>
    </message>
    <message>
        <source>Someone else changed this ticket at the same time.</source>
        <translation>该工单已被他人同时修改。</translation>
    </message>
    <message>
        <source>The hub did not accept the data. Check the highlighted fields.</source>
        <translation>服务器未接受提交的内容，请检查标出的字段。</translation>
    </message>
    <message>
        <source>This ticket or article no longer exists.</source>
        <translation>该工单或文章已不存在。</translation>
    </message>
    <message>
        <source>The hub had a problem. Please try again shortly.</source>
        <translation>服务器出现问题，请稍后重试。</translation>
    </message>
    <message>
        <source>The hub sent data this version cannot read.</source>
        <translation>服务器返回的数据当前版本无法识别。</translation>
    </message>
    <message>
        <source>The local ticket cache could not be read.</source>
        <translation>无法读取本地工单缓存。</translation>
    </message>
    <message>
        <source>The system keyring is not available, so data cannot be stored securely.</source>
        <translation>系统密钥环不可用，无法安全保存数据。</translation>
    </message>
    <message>
        <source>You are not allowed to do this.</source>
        <translation>您没有执行此操作的权限。</translation>
    </message>
    <message>
        <source>This customer already has an open ticket in this category.</source>
        <translation>该客户在此分类下已有未结工单。</translation>
    </message>
    <message>
        <source>This AgentDesk version is too old for the hub. Please update.</source>
        <translation>当前 AgentDesk 版本过旧，请升级。</translation>
    </message>
    <message>
        <source>Required</source>
        <translation>必填</translation>
    </message>
    <message>
        <source>Too long</source>
        <translation>内容过长</translation>
    </message>
    <message>
        <source>Not a valid phone number</source>
        <translation>电话号码无效</translation>
    </message>
    <message>
        <source>Not one of the allowed values</source>
        <translation>不是允许的选项</translation>
    </message>
    <message>
        <source>Wrong format</source>
        <translation>格式不正确</translation>
    </message>
    <message>
        <source>Invalid value</source>
        <translation>取值无效</translation>
    </message>
</context>
<context>
    <name>TicketPanel</name>
    <message>
        <source>My open tickets</source>
        <translation>我的未结工单</translation>
    </message>
    <message>
        <source>Team queue</source>
        <translation>团队队列</translation>
    </message>
    <message>
        <source>Recently updated</source>
        <translation>最近更新</translation>
    </message>
    <message>
        <source>Caller&apos;s tickets</source>
        <translation>来电客户工单</translation>
    </message>
    <message>
        <source>Filter by number, customer, phone…</source>
        <translation>按工单号、客户、电话筛选…</translation>
    </message>
    <message>
        <source>New ticket</source>
        <translation>新建工单</translation>
    </message>
    <message>
        <source>New ticket from this call</source>
        <translation>从本次来电新建工单</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>关闭提示</translation>
    </message>
    <message>
        <source>A change to a ticket was refused by the hub: %1</source>
        <translation>服务器拒绝了一项工单修改：%1</translation>
    </message>
    <message>
        <source>The local ticket cache was damaged and has been rebuilt from the hub. Unsent changes are kept.</source>
        <translation>本地工单缓存已损坏，已从服务器重建。未提交的修改均已保留。</translation>
    </message>
    <message>
        <source>Syncing tickets %1</source>
        <translation>正在同步工单 %1</translation>
    </message>
    <message>
        <source>Syncing tickets %1 / %2</source>
        <translation>正在同步工单 %1 / %2</translation>
    </message>
    <message>
        <source>Connected to the hub</source>
        <translation>已连接服务器</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <source>Offline — showing saved tickets; changes will be sent later</source>
        <translation>离线 — 显示本地保存的工单，修改将稍后提交</translation>
    </message>
    <message>
        <source>Signed out — sign in again to sync</source>
        <translation>已登出 — 请重新登录以同步</translation>
    </message>
    <message>
        <source>Not signed in</source>
        <translation>未登录</translation>
    </message>
    <message numerus="yes">
        <source>%n change(s) waiting to be sent</source>
        <translation>
            <numerusform>%n 项修改待提交</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n conflict(s) to resolve</source>
        <translation>
            <numerusform>%n 项冲突待处理</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n change(s) refused</source>
        <translation>
            <numerusform>%n 项修改被拒绝</numerusform>
        </translation>
    </message>
    <message>
        <source>Unknown caller</source>
        <translation>未知来电</translation>
    </message>
    <message numerus="yes">
        <source>Incoming call: %1 (%2) — %n open ticket(s)</source>
        <translation>
            <numerusform>来电：%1（%2）— %n 张未结工单</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TicketTableModel</name>
    <message>
        <source>%1d %2h</source>
        <translation>%1天%2小时</translation>
    </message>
    <message>
        <source>%1h %2m</source>
        <translation>%1小时%2分</translation>
    </message>
    <message>
        <source>%1m</source>
        <translation>%1分钟</translation>
    </message>
    <message>
        <source>Overdue %1</source>
        <translation>已超时 %1</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>工单号</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>分类</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <source>SLA due</source>
        <translation>SLA 到期</translation>
    </message>
    <message>
        <source>(not sent yet)</source>
        <translation>（待提交）</translation>
    </message>
    <message>
        <source>Local changes are waiting to be sent to the hub.</source>
        <translation>本地修改尚未提交到服务器。</translation>
    </message>
</context>
</TS>
