"""Demo content for the hub's ``seed-demo``: ~200 knowledge articles (bank and telecom, Chinese and English),
customers with realistic Chinese phone numbers, and their tickets.

Deterministic (a fixed random seed), so tests can rely on it: the article about 信用卡挂失 always exists, the demo
caller ``DEMO_CALLER`` is always a seeded customer with open tickets (the demo's screen pop), and two-character
queries such as 退款 / 挂失 / 宽带 find the right articles.

Pure data and standard library only: ``server.seed`` turns these into rows.
"""

from __future__ import annotations

import dataclasses
import random
from datetime import UTC, datetime, timedelta
from typing import Any

from app.protocol import KbArticleWrite, TicketPriority, TicketStatus

#: The simulated caller of the demo (E.164); a seeded customer with open tickets.
DEMO_CALLER = "+8613800138000"
DEMO_CALLER_NAME = "张伟"


@dataclasses.dataclass(frozen=True)
class Topic:
    key: str
    domain: str  # "bank" | "telecom"
    category: str  # ticket category code the article helps with
    title: str
    scene: str
    steps: tuple[str, ...]
    script: str
    notes: tuple[str, ...]
    tags: tuple[str, ...]
    link: tuple[str, str] | None = None


TOPICS: tuple[Topic, ...] = (
    Topic(
        "card_loss",
        "bank",
        "card_loss",
        "信用卡挂失",
        "客户来电称信用卡丢失、被盗或被吞卡，需要立即止付。",
        (
            "通过身份证件号码后六位、预留手机号和安全问题核实客户身份。",
            "在核心系统中为卡片设置「临时挂失」，告知挂失即时生效。",
            "询问最近交易，确认是否存在非本人交易，如有则同时发起争议交易登记。",
            "征询是否补卡，补卡需转为「正式挂失」，新卡 7 个工作日内寄出。",
        ),
        "您好，已为您办理挂失，卡片即刻停止使用。请问最近是否有您本人不认可的交易？",
        (
            "挂失前发生的盗刷按争议交易流程处理，不得向客户承诺全额赔付。",
            "临时挂失 5 天后自动失效，提醒客户及时转正式挂失。",
        ),
        ("挂失", "止付", "信用卡", "补卡"),
    ),
    Topic(
        "card_reissue",
        "bank",
        "card_loss",
        "补卡与换卡",
        "卡片损坏、磁条失效、到期或挂失后需要补发新卡。",
        (
            "核实身份并确认邮寄地址，地址变更需二次验证。",
            "选择补卡原因：损坏换卡免费，挂失补卡按卡种收取工本费。",
            "提交补卡申请，告知新卡卡号不变（挂失补卡卡号会变更）。",
            "提醒客户收到新卡后通过手机银行激活并设置交易密码。",
        ),
        "新卡预计 7 个工作日内寄达，收到后请通过手机银行激活。",
        ("白金卡及以上卡种补卡工本费可按权益减免。", "挂失补卡后，原卡绑定的自动扣款需客户重新绑定。"),
        ("补卡", "换卡", "激活"),
    ),
    Topic(
        "temp_limit",
        "bank",
        "bill",
        "临时额度调整",
        "客户出行、购车或大额消费前申请临时提高信用额度。",
        (
            "核实身份，查询近 6 个月用卡及还款记录。",
            "根据系统评估结果告知可调整的临时额度及有效期（通常 30 天）。",
            "客户确认后提交申请，短信通知结果。",
            "提醒临时额度到期后需一次性还清超出固定额度的部分。",
        ),
        "已为您提交临时额度调整，有效期 30 天，到期后超出部分将计入当期账单。",
        ("近期有逾期记录的客户系统不予调额，不得人工干预。",),
        ("额度", "临时额度", "提额"),
    ),
    Topic(
        "installment",
        "bank",
        "bill",
        "账单分期办理",
        "客户希望将当期账单或单笔大额消费分期偿还。",
        (
            "确认分期对象：账单分期或单笔消费分期。",
            "告知可选期数（3/6/12/24 期）及每期手续费率，必须说明折算年化利率。",
            "客户明确同意后办理，办理后不可撤销提前还款需收取剩余手续费的按规处理。",
            "发送分期确认短信。",
        ),
        "本次分期共 12 期，每期手续费率 0.6%，折算年化利率约 13.0%，请问您确认办理吗？",
        ("必须完整告知年化利率，禁止使用「零利息」「免息」等误导表述。",),
        ("分期", "账单", "手续费", "年化利率"),
    ),
    Topic(
        "min_payment",
        "bank",
        "bill",
        "最低还款与利息计算",
        "客户询问只还最低还款额会产生哪些费用。",
        (
            "说明最低还款额一般为账单金额的 10%。",
            "解释选择最低还款后，全部欠款自记账日起按日利率万分之五计息。",
            "如客户经济困难，引导了解个性化分期协商。",
        ),
        "选择最低还款不会影响征信，但未还部分会从记账日起计收利息。",
        ("不得向客户表示「最低还款不收利息」。",),
        ("最低还款", "利息", "还款"),
    ),
    Topic(
        "overdue",
        "bank",
        "bill",
        "逾期还款与征信说明",
        "客户逾期未还款，担心影响个人征信。",
        (
            "查询逾期天数及金额。",
            "说明逾期会产生违约金并可能上报人民银行征信中心。",
            "如属首次逾期且 3 天内还款，可按宽限期政策处理。",
            "指引客户通过征信中心官方渠道查询个人信用报告。",
        ),
        "建议您尽快还款，首次短期逾期可申请宽限期处理。",
        ("不得承诺「删除征信记录」，征信异议需走正式异议流程。",),
        ("逾期", "征信", "违约金"),
        ("人民银行征信中心", "https://www.pbccrc.org.cn"),
    ),
    Topic(
        "annual_fee",
        "bank",
        "bill",
        "年费减免政策",
        "客户对收取的信用卡年费有疑问或要求减免。",
        (
            "查询卡种年费标准及减免条件（如年刷卡满 6 次）。",
            "核对客户是否满足减免条件。",
            "符合条件的在系统中提交年费减免；不符合的说明原因。",
        ),
        "您的卡片年刷满 6 次即可免次年年费，本年度您已刷 4 次。",
        ("白金卡年费减免需按积分兑换规则处理。",),
        ("年费", "减免"),
    ),
    Topic(
        "points",
        "bank",
        "general",
        "积分查询与兑换",
        "客户询问积分余额、有效期和兑换方式。",
        ("查询积分余额和即将到期的积分。", "介绍兑换渠道：手机银行积分商城、航空里程兑换。", "说明兑换后不可撤销。"),
        "您目前有 12,580 积分，其中 2,000 分将于本月底到期。",
        ("积分不能兑换现金。",),
        ("积分", "兑换", "里程"),
    ),
    Topic(
        "refund",
        "bank",
        "refund",
        "商户退款未到账处理",
        "客户在商户处退货，商户称已退款但信用卡账户未收到。",
        (
            "核实交易日期、金额和商户名称。",
            "说明退款一般 3-5 个工作日原路退回，跨境交易可能需要 15 个工作日。",
            "超过时效仍未到账，登记退款查询工单并请客户提供商户退款凭证。",
            "如商户拒绝退款，引导发起争议交易。",
        ),
        "退款会原路退回，一般 3-5 个工作日到账，我们为您登记查询。",
        ("退款到账前的账单仍需按时还款，避免产生逾期。",),
        ("退款", "退货", "未到账"),
    ),
    Topic(
        "dispute",
        "bank",
        "refund",
        "争议交易与拒付流程",
        "客户对某笔交易不认可（未收到货、金额不符、非本人交易）。",
        (
            "确认争议类型并记录交易明细。",
            "非本人交易需先挂失卡片，再登记争议。",
            "告知需在交易后 60 天内提交书面材料。",
            "说明处理周期为 30-90 天，期间争议金额可暂缓还款。",
        ),
        "已为您登记争议交易，处理期间该笔金额可暂不还款，我们会通过短信通知进展。",
        ("不得承诺争议一定成功。",),
        ("争议", "拒付", "退款", "盗刷"),
    ),
    Topic(
        "double_charge",
        "bank",
        "refund",
        "重复扣款处理",
        "客户发现同一笔消费被扣款两次。",
        (
            "核对两笔交易的授权码和清算状态。",
            "若其中一笔为预授权，说明会自动撤销（一般 7 天内）。",
            "两笔均已清算的，登记重复扣款退款工单。",
        ),
        "其中一笔是预授权，会在 7 天内自动释放，请您放心。",
        ("酒店、租车常见预授权，请先判断再登记。",),
        ("重复扣款", "退款", "预授权"),
    ),
    Topic(
        "overseas",
        "bank",
        "general",
        "境外消费与货币转换费",
        "客户出境前咨询用卡注意事项或询问境外交易手续费。",
        (
            "确认卡片是否开通境外交易功能。",
            "说明外币交易按卡组织汇率入账，货币转换费 1%-1.5%。",
            "提醒出行前开启交易短信提醒并备好境外紧急服务电话。",
        ),
        "您的卡已开通境外交易，外币消费会收取 1% 货币转换费。",
        ("境外盗刷风险高，建议设置境外单笔限额。",),
        ("境外", "外币", "货币转换费"),
    ),
    Topic(
        "password_reset",
        "bank",
        "general",
        "交易密码重置",
        "客户忘记信用卡或借记卡交易密码。",
        (
            "引导客户通过手机银行人脸识别自助重置。",
            "无法自助的，告知需本人携带身份证到网点办理。",
            "坐席不得在电话中代客户设置或询问密码。",
        ),
        "为了您的资金安全，请通过手机银行人脸识别重置密码。",
        ("任何情况下都不得索要客户完整密码或验证码。",),
        ("密码", "重置", "验证码"),
    ),
    Topic(
        "autopay",
        "bank",
        "bill",
        "自动还款设置",
        "客户希望设置借记卡自动还款，避免忘记还款。",
        (
            "确认扣款借记卡为本人同名账户。",
            "选择全额或最低额自动还款。",
            "说明扣款日为到期还款日当天，需保证余额充足。",
        ),
        "已为您设置全额自动还款，请在到期日前保证借记卡余额充足。",
        ("自动还款失败不免除逾期责任。",),
        ("自动还款", "还款"),
    ),
    Topic(
        "close_account",
        "bank",
        "general",
        "信用卡销户",
        "客户要求注销信用卡。",
        (
            "核实身份，询问销户原因并尝试挽留（不得强行挽留）。",
            "确认账户无欠款、无未入账交易、无溢缴款。",
            "提交销户申请，告知 45 天冷静期后正式注销。",
        ),
        "销户申请已提交，45 天后正式注销，期间请勿使用该卡。",
        ("客户明确坚持销户时必须当次受理，不得推诿。",),
        ("销户", "注销"),
    ),
    Topic(
        "debit_freeze",
        "bank",
        "complaint",
        "借记卡被冻结或止付",
        "客户的借记卡因涉嫌电诈或司法冻结无法使用。",
        (
            "查询冻结类型：风控止付、司法冻结或账户管控。",
            "风控止付：指引本人携证件到开户网点核实解除。",
            "司法冻结：告知冻结机关及文书号，银行无权解冻。",
        ),
        "您的账户因风险管控被暂停非柜面交易，请本人携带身份证到开户网点办理核实。",
        ("不得透露风控规则细节。",),
        ("冻结", "止付", "电诈"),
    ),
    Topic(
        "transfer_fail",
        "bank",
        "complaint",
        "转账失败或延迟到账",
        "客户转账后对方未收到，或转账失败资金未退回。",
        ("查询交易流水状态。", "跨行转账超过 2 小时未到账，登记查询。", "失败交易一般 1-3 个工作日自动退回原账户。"),
        "该笔转账显示处理中，我们已为您登记查询，结果将短信通知。",
        ("大额转账延迟可能因反诈核验，需客户配合回电确认。",),
        ("转账", "到账", "汇款"),
    ),
    Topic(
        "wealth_risk",
        "bank",
        "complaint",
        "理财产品风险告知话术",
        "客户咨询理财产品收益或对亏损不满。",
        (
            "确认客户风险测评等级与所购产品是否匹配。",
            "说明理财产品不保本，过往业绩不代表未来表现。",
            "客户投诉销售误导的，登记投诉工单并转理财专员。",
        ),
        "理财非存款，产品有风险，投资须谨慎，过往收益不代表未来表现。",
        ("严禁使用「保本保收益」「稳赚不赔」「零风险」等表述，系统会做合规检查。",),
        ("理财", "风险", "合规", "收益"),
    ),
    Topic(
        "anti_fraud",
        "bank",
        "general",
        "电信诈骗识别与提醒",
        "客户反映接到自称银行、公检法的可疑电话或短信。",
        (
            "提醒客户银行不会索要验证码、不会要求转账到「安全账户」。",
            "如客户已转账，立即指引拨打 110 报警并挂失相关卡片。",
            "记录可疑号码并上报反诈平台。",
        ),
        "银行工作人员不会向您索要验证码，也不存在所谓的「安全账户」。",
        ("遇到客户正在被诈骗时，优先劝阻并报警。",),
        ("诈骗", "反诈", "验证码"),
    ),
    Topic(
        "mobile_login",
        "bank",
        "general",
        "手机银行无法登录",
        "客户无法登录手机银行或提示设备未绑定。",
        (
            "确认 App 为最新版本并检查网络。",
            "密码错误锁定的，引导使用「忘记密码」人脸识别重置。",
            "换手机登录需重新绑定设备并进行短信验证。",
        ),
        "请先将 App 升级到最新版本，再通过「忘记密码」自助重置。",
        ("不得远程代客户操作。",),
        ("手机银行", "登录", "绑定"),
    ),
    Topic(
        "plan_change",
        "telecom",
        "general",
        "套餐变更",
        "客户希望更换资费套餐（升档、降档或更换 5G 套餐）。",
        (
            "查询当前套餐、合约期及已办理的优惠活动。",
            "说明升档次月生效（可选立即生效），降档次月生效。",
            "合约期内降档需确认是否涉及违约金。",
            "客户确认后办理，并发送变更短信。",
        ),
        "新套餐将于下月 1 日生效，本月仍按原套餐计费。",
        ("合约期内变更须如实告知违约责任。",),
        ("套餐", "变更", "5G", "资费"),
    ),
    Topic(
        "bill_dispute",
        "telecom",
        "refund",
        "话费争议处理",
        "客户对当月话费金额有异议，认为多扣费。",
        (
            "查询详单，逐项核对通话、流量及增值业务费用。",
            "确认是否有未授权订购的增值业务。",
            "核实为误扣的，办理话费退费并登记工单。",
            "对详单无误的，耐心解释计费规则。",
        ),
        "我们逐项核对了您的详单，其中 10 元彩铃费用为误订购，将为您退费。",
        ("退费需在系统中登记原因，不得口头承诺。",),
        ("话费", "争议", "退费", "扣费"),
    ),
    Topic(
        "data_overage",
        "telecom",
        "bill",
        "流量超额与限速",
        "客户流量用超产生高额费用或被限速。",
        (
            "查询流量使用明细及是否开通流量封顶。",
            "推荐合适的流量包或升档套餐。",
            "首次超额高额费用可按政策申请部分减免。",
        ),
        "建议您加购 10GB 流量包，本月剩余时间即可使用。",
        ("不得承诺全额减免。",),
        ("流量", "超额", "限速"),
    ),
    Topic(
        "roaming",
        "telecom",
        "general",
        "国际漫游开通",
        "客户出国前咨询漫游开通和资费。",
        ("确认号码已开通国际漫游功能。", "按目的地推荐漫游日包。", "提醒关闭手机自动更新以免产生高额流量费。"),
        "您前往日本可选 25 元/天的漫游日包，不限流量，超过 3GB 后降速。",
        ("漫游费用以实际使用地运营商结算为准。",),
        ("漫游", "出国", "日包"),
    ),
    Topic(
        "broadband_fault",
        "telecom",
        "broadband_fault",
        "宽带无法上网故障排查",
        "客户反映家庭宽带断网、无法上网或网速慢。",
        (
            "请客户检查光猫指示灯：PON 灯常亮、LOS 灯熄灭为正常。",
            "指导客户重启光猫和路由器（断电 30 秒）。",
            "远程检测线路，如有光衰异常预约上门维修。",
            "告知上门时间并登记宽带故障工单。",
        ),
        "请您先将光猫断电 30 秒后重启，同时我这边为您远程检测线路。",
        ("LOS 灯红色闪烁通常为光纤线路故障，需上门处理。",),
        ("宽带", "断网", "光猫", "网速"),
    ),
    Topic(
        "broadband_move",
        "telecom",
        "broadband_fault",
        "宽带移机",
        "客户搬家需要将宽带迁移到新地址。",
        ("查询新地址是否具备光纤覆盖。", "说明移机费用及时限（一般 3 个工作日）。", "预约装维上门时间。"),
        "您的新地址已覆盖光纤，移机预计 3 个工作日内完成。",
        ("新地址无资源时可办理暂停，不收违约金。",),
        ("宽带", "移机", "搬家"),
    ),
    Topic(
        "modem_reset",
        "telecom",
        "broadband_fault",
        "光猫与路由器重置指引",
        "客户修改过设置导致无法上网，或忘记 Wi-Fi 密码。",
        (
            "说明光猫恢复出厂设置会清除宽带拨号配置，非必要不建议。",
            "指导客户登录路由器管理页面修改 Wi-Fi 密码。",
            "必要时远程下发光猫配置。",
        ),
        "请用手机连接 Wi-Fi 后打开 192.168.1.1 登录管理页面修改密码。",
        ("不得索要客户宽带账号密码以外的个人信息。",),
        ("光猫", "路由器", "Wi-Fi", "宽带"),
    ),
    Topic(
        "number_port",
        "telecom",
        "general",
        "携号转网",
        "客户希望保留号码转到其他运营商，或从其他运营商转入。",
        (
            "发送短信 CXXZ#姓名#证件号码 到 10086 查询携转资格。",
            "确认无欠费、无在网合约、无未结清的分期。",
            "说明授权码有效期及办理流程。",
        ),
        "请先发送短信查询携转资格，符合条件后凭授权码到新运营商营业厅办理。",
        ("不得设置障碍阻挠用户携号转网。",),
        ("携号转网", "转网", "号码"),
    ),
    Topic(
        "suspend_resume",
        "telecom",
        "bill",
        "停机与复机",
        "客户因欠费停机或需要办理报停、复机。",
        (
            "查询停机原因：欠费停机、挂失停机或主动报停。",
            "欠费停机缴清欠费后 30 分钟内自动复机。",
            "挂失停机需本人验证身份后复机。",
        ),
        "您缴费后 30 分钟内会自动恢复通话功能。",
        ("报停期间仍收取月租的情况要如实说明。",),
        ("停机", "复机", "欠费"),
    ),
    Topic(
        "sim_replace",
        "telecom",
        "general",
        "补换 SIM 卡",
        "客户手机卡丢失、损坏或需要换 5G 卡。",
        (
            "核实身份（本人携带身份证到营业厅或线上人脸识别）。",
            "补卡后原卡立即失效。",
            "提醒补卡后 24 小时内部分银行短信验证受限。",
        ),
        "补卡后原卡立即失效，新卡插入即可使用。",
        ("严防他人冒名补卡，身份核验不可省略。",),
        ("补卡", "SIM", "换卡"),
    ),
    Topic(
        "real_name",
        "telecom",
        "general",
        "实名认证与信息变更",
        "客户需要完成实名登记或变更机主信息。",
        ("说明实名登记须本人持有效证件办理。", "过户需新旧机主双方同时到场。"),
        "根据实名制规定，过户需要新旧机主本人同时携带证件到营业厅办理。",
        ("不得为未实名号码开通业务。",),
        ("实名", "过户", "认证"),
    ),
    Topic(
        "vas_unsubscribe",
        "telecom",
        "refund",
        "增值业务退订与退费",
        "客户发现被订购了不认识的增值业务（彩铃、视频会员等）。",
        ("查询订购记录和订购渠道。", "立即为客户退订。", "非本人订购的，按规定退还已扣费用并登记工单。"),
        "已为您退订该业务，误扣的 15 元将在 3 个工作日内退回话费账户。",
        ("每次退订都要发送确认短信。",),
        ("退订", "增值业务", "退费", "彩铃"),
    ),
    Topic(
        "recharge_missing",
        "telecom",
        "refund",
        "充值未到账",
        "客户通过第三方平台充值话费后未到账。",
        (
            "核对充值号码、金额和时间。",
            "第三方平台充值一般 10 分钟内到账，高峰期可能延迟 2 小时。",
            "超过 24 小时未到账，请客户联系充值平台或登记查询。",
        ),
        "请提供充值订单号，我们为您登记查询。",
        ("充错号码的无法直接退回，需联系充值平台处理。",),
        ("充值", "到账", "话费"),
    ),
    Topic(
        "spam_block",
        "telecom",
        "general",
        "骚扰电话拦截",
        "客户频繁接到骚扰或推销电话。",
        ("为客户免费开通骚扰电话拦截服务。", "指导客户通过 12321 举报。"),
        "已为您开通免费的骚扰电话拦截服务。",
        ("拦截服务免费，不得借机推销收费业务。",),
        ("骚扰电话", "拦截", "举报"),
        ("12321 网络不良与垃圾信息举报受理中心", "https://www.12321.cn"),
    ),
    Topic(
        "invoice",
        "telecom",
        "bill",
        "电子发票开具",
        "客户需要话费或宽带费发票。",
        ("说明电子发票可在 App「发票管理」中自助开具。", "企业抬头需提供税号。"),
        "您可在 App 的「发票管理」中自助开具电子发票。",
        ("充值发票与月结发票只能二选一。",),
        ("发票", "报销"),
    ),
    Topic(
        "fiveg_upgrade",
        "telecom",
        "general",
        "5G 升级与网络覆盖",
        "客户询问如何使用 5G 网络或所在区域是否覆盖。",
        (
            "确认手机支持 5G 且套餐已开通 5G 功能。",
            "查询客户所在区域 5G 覆盖情况。",
            "指导客户在手机设置中开启 5G 开关。",
        ),
        "您所在的小区已覆盖 5G，请在设置中打开 5G 开关。",
        ("覆盖情况以实际测量为准，不做绝对承诺。",),
        ("5G", "网络", "覆盖"),
    ),
    Topic(
        "family_plan",
        "telecom",
        "general",
        "副卡与家庭共享",
        "客户希望为家人办理副卡共享套餐。",
        ("确认主卡套餐支持副卡（最多 4 张）。", "说明副卡共享主卡的流量和通话分钟数。", "副卡须实名登记。"),
        "您的套餐可办理 2 张免费副卡，共享主卡的流量和通话。",
        ("副卡月功能费以套餐说明为准。",),
        ("副卡", "共享", "家庭"),
    ),
    Topic(
        "complaint_handling",
        "telecom",
        "complaint",
        "客户投诉受理规范",
        "客户对服务质量、收费或网络问题表示不满并要求投诉。",
        (
            "耐心倾听，复述确认客户诉求。",
            "判断投诉等级，紧急投诉 2 小时内回访。",
            "登记投诉工单，告知处理时限和回访方式。",
            "涉及工信部申诉的，升级至投诉专席。",
        ),
        "非常抱歉给您带来不便，我已为您登记投诉，专人会在 24 小时内联系您。",
        ("不得与客户争辩，不得推诿。",),
        ("投诉", "不满意", "回访"),
    ),
)

# Product lines / situations: each topic appears in several variants, as a real KB has per-product articles.
BANK_VARIANTS = ("标准信用卡", "白金信用卡", "联名信用卡", "借记卡客户", "老年客户专项")
TELECOM_VARIANTS = ("个人套餐用户", "5G 融合套餐", "校园卡用户", "政企客户", "老年客户专项")

_EN_TOPICS: dict[str, tuple[str, str, tuple[str, ...], str]] = {
    "card_loss": (
        "Reporting a lost or stolen credit card",
        "The customer has lost a card or it was stolen and needs it blocked at once.",
        (
            "Verify identity with the last six digits of the ID number and the registered mobile number.",
            "Apply a temporary block; it takes effect immediately.",
            "Ask about recent transactions and open a dispute for any the customer does not recognise.",
            "Offer a replacement card (arrives within 7 working days).",
        ),
        "Your card is blocked now. Are there any recent transactions you do not recognise?",
    ),
    "refund": (
        "Merchant refund not received",
        "The merchant says the refund was issued but the card account has not received it.",
        (
            "Check the transaction date, amount and merchant.",
            "Explain that refunds take 3-5 working days (up to 15 for cross-border).",
            "After that, open a refund enquiry ticket and ask for the merchant's refund receipt.",
        ),
        "Refunds go back to the original card, usually within 3-5 working days.",
    ),
    "plan_change": (
        "Changing a mobile plan",
        "The customer wants a bigger, smaller or 5G plan.",
        (
            "Check the current plan, contract term and promotions.",
            "Upgrades can take effect at once; downgrades apply next month.",
            "Explain any early-termination fee during a contract term.",
        ),
        "Your new plan starts on the 1st of next month.",
    ),
    "bill_dispute": (
        "Disputed phone bill",
        "The customer believes the monthly bill is too high.",
        (
            "Go through the itemised bill with the customer.",
            "Look for value-added services the customer did not order.",
            "Refund charges proven wrong and log a ticket.",
        ),
        "We checked every item; the ring-back tone charge was not ordered by you and will be refunded.",
    ),
    "broadband_fault": (
        "Broadband outage troubleshooting",
        "Home broadband is down or slow.",
        (
            "Ask about the modem lights: PON steady, LOS off is normal.",
            "Have the customer power-cycle the modem and router for 30 seconds.",
            "Run a remote line test and book a technician visit if needed.",
        ),
        "Please switch the modem off for 30 seconds while I test your line remotely.",
    ),
    "dispute": (
        "Disputed card transactions and chargebacks",
        "The customer does not recognise a transaction or did not receive the goods.",
        (
            "Record the dispute type and transaction details.",
            "Block the card first for unauthorised transactions.",
            "Written evidence is needed within 60 days of the transaction.",
        ),
        "Your dispute is registered; you do not need to repay that amount while it is investigated.",
    ),
    "roaming": (
        "International roaming",
        "The customer is travelling abroad and asks about roaming.",
        (
            "Check that international roaming is enabled.",
            "Recommend a day pass for the destination.",
            "Suggest turning off automatic app updates.",
        ),
        "For Japan a 25 CNY day pass gives unlimited data, slowed after 3 GB.",
    ),
    "wealth_risk": (
        "Risk disclosure for wealth products",
        "The customer asks about returns or complains about a loss.",
        (
            "Check that the product matches the customer's risk assessment.",
            "Wealth products are not deposits and are not capital-guaranteed.",
            "Log a complaint for any claim of mis-selling.",
        ),
        "Wealth products are not deposits; past returns do not guarantee future results.",
    ),
}


def _body_zh(topic: Topic, variant: str, updated: datetime) -> str:
    lines = [
        f"# {topic.title}（{variant}）",
        "",
        f"> 适用范围：{variant} · 更新日期：{updated:%Y-%m-%d}",
        "",
        "## 适用场景",
        "",
        topic.scene,
        "",
        "## 处理步骤",
        "",
        *[f"{i}. {step}" for i, step in enumerate(topic.steps, 1)],
        "",
        "## 标准话术",
        "",
        f"「{topic.script}」",
        "",
        "## 注意事项",
        "",
        *[f"- {note}" for note in topic.notes],
    ]
    if variant == "老年客户专项":
        lines += ["- 语速放慢，关键信息重复确认；如客户需要，可建议由家属陪同到网点或营业厅办理。"]
    if variant in ("白金信用卡", "政企客户"):
        lines += ["- 该类客户享有专属客户经理，处理完成后同步通知客户经理。"]
    if topic.link:
        lines += ["", "## 相关链接", "", f"- [{topic.link[0]}]({topic.link[1]})"]
    lines += ["", f"关键词：{'、'.join(topic.tags)}"]
    return "\n".join(lines)


def _body_en(key: str, updated: datetime) -> tuple[str, str]:
    title, scene, steps, script = _EN_TOPICS[key]
    lines = [
        f"# {title}",
        "",
        f"> Updated {updated:%Y-%m-%d}",
        "",
        "## When to use",
        "",
        scene,
        "",
        "## Steps",
        "",
        *[f"{i}. {step}" for i, step in enumerate(steps, 1)],
        "",
        "## What to say",
        "",
        f'"{script}"',
    ]
    return title, "\n".join(lines)


def demo_articles(now: datetime | None = None) -> list[tuple[KbArticleWrite, datetime]]:
    """About 200 articles with their "updated" times (a few of them today, for the "updated today" marker)."""
    now = now or datetime.now(UTC)
    rng = random.Random(20261123)
    articles: list[tuple[KbArticleWrite, datetime]] = []
    for topic in TOPICS:
        variants = BANK_VARIANTS if topic.domain == "bank" else TELECOM_VARIANTS
        for variant in variants:
            updated = now - timedelta(days=rng.randint(1, 400), minutes=rng.randint(0, 1440))
            body = _body_zh(topic, variant, updated)
            tags = [*topic.tags, "银行" if topic.domain == "bank" else "电信", variant]
            articles.append((KbArticleWrite(f"{topic.title}（{variant}）", body, topic.category, tags, "zh"), updated))
    for key in _EN_TOPICS:
        topic = next(t for t in TOPICS if t.key == key)
        for audience in ("Retail customers", "Business customers"):
            updated = now - timedelta(days=rng.randint(1, 300))
            title, body = _body_en(key, updated)
            articles.append(
                (
                    KbArticleWrite(f"{title} ({audience})", body, topic.category, [*topic.tags, "english"], "en"),
                    updated,
                )
            )
    for index in rng.sample(range(len(articles)), 6):  # a few articles changed today
        write, _ = articles[index]
        articles[index] = (write, now - timedelta(minutes=rng.randint(5, 120)))
    return articles


# ======================================================================================== customers and tickets
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
_GIVEN = (
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "霞",
    "平",
    "刚",
    "桂英",
    "建华",
    "志强",
    "晓东",
    "丹",
    "婷",
    "浩然",
    "子涵",
    "雨桐",
)
_MOBILE_PREFIXES = ("138", "139", "136", "137", "150", "151", "158", "186", "185", "189", "177", "199", "132")
_AREAS = ("10", "21", "20", "755", "571", "28", "27", "25")


@dataclasses.dataclass(frozen=True)
class DemoCustomer:
    name: str
    phone: str  # E.164
    team: str  # "cards" | "broadband"


@dataclasses.dataclass(frozen=True)
class DemoTicket:
    customer: DemoCustomer
    subject: str
    description: str
    category: str
    priority: TicketPriority
    status: TicketStatus
    custom_fields: dict[str, Any]
    age: timedelta  # created this long before seeding
    assignee: str | None  # demo username, None for the team queue
    notes: tuple[tuple[str, bool], ...] = ()  # (body, customer_visible)


def demo_customers(count: int = 60) -> list[DemoCustomer]:
    rng = random.Random(7)
    customers = [DemoCustomer(DEMO_CALLER_NAME, DEMO_CALLER, "cards")]
    seen = {DEMO_CALLER}
    while len(customers) < count:
        name = rng.choice(_SURNAMES) + rng.choice(_GIVEN)
        if rng.random() < 0.8:
            phone = "+86" + rng.choice(_MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
        else:
            area = rng.choice(_AREAS)
            phone = "+86" + area + f"{rng.randrange(10**7, 10**8) if len(area) == 2 else rng.randrange(10**7):08d}"
        if phone in seen:
            continue
        seen.add(phone)
        customers.append(DemoCustomer(name, phone, "cards" if rng.random() < 0.55 else "broadband"))
    return customers


_TicketTemplate = tuple[str, str, str, dict[str, Any]]
_CARD_TICKETS: tuple[_TicketTemplate, ...] = (
    (
        "card_loss",
        "信用卡丢失申请挂失",
        "客户称昨晚在地铁上丢失钱包，内有尾号{last4}的信用卡，要求立即挂失并补卡。",
        {"card_last4": "{last4}", "loss_type": "正式挂失", "reissue": True},
    ),
    (
        "refund",
        "商户退款未到账",
        "客户于上周在{merchant}退货，商户称已退款 {amount} 元，至今未到账。",
        {"amount": "{amount}", "merchant": "{merchant}"},
    ),
    (
        "refund",
        "重复扣款申请退款",
        "客户在{merchant}消费一笔被扣款两次，金额 {amount} 元，要求退还重复部分。",
        {"amount": "{amount}", "merchant": "{merchant}"},
    ),
    ("bill", "账单分期咨询", "客户本期账单 {amount} 元，咨询 12 期分期手续费及年化利率。", {"bill_month": "2026-10"}),
    ("complaint", "投诉催收电话频繁", "客户投诉近期每天接到多次催收电话，影响工作，要求核实。", {"severity": "重要"}),
    ("general", "咨询境外消费手续费", "客户下月赴新加坡旅游，咨询境外刷卡手续费和货币转换费。", {}),
)
_BROADBAND_TICKETS: tuple[_TicketTemplate, ...] = (
    (
        "broadband_fault",
        "宽带无法上网",
        "客户反映家中宽带从今早开始无法上网，光猫 LOS 灯红色闪烁。",
        {"account_no": "BB{acct}", "symptom": "无法上网"},
    ),
    (
        "broadband_fault",
        "晚间网速慢",
        "客户反映每晚 8 点后网速明显下降，测速仅 20M，签约 500M。",
        {"account_no": "BB{acct}", "symptom": "网速慢"},
    ),
    (
        "refund",
        "话费多扣申请退费",
        "客户发现本月话费多扣 {amount} 元，详单显示订购了未授权的视频会员。",
        {"amount": "{amount}", "merchant": "视频会员增值业务"},
    ),
    ("complaint", "装维人员迟到投诉", "客户投诉预约的装维人员迟到两小时且未提前告知。", {"severity": "一般"}),
    ("general", "咨询套餐变更", "客户咨询从 129 元套餐降到 79 元套餐是否需要违约金。", {}),
)
_MERCHANTS = ("京东商城", "天猫超市", "携程旅行", "美团外卖", "苏宁易购", "盒马鲜生", "滴滴出行")


def demo_tickets() -> list[DemoTicket]:
    """Two or three tickets per customer, some open, some closed; the demo caller has two open ones."""
    rng = random.Random(11)
    tickets: list[DemoTicket] = []
    for index, customer in enumerate(demo_customers()):
        pool = _CARD_TICKETS if customer.team == "cards" else _BROADBAND_TICKETS
        agents = ("agent.li", "agent.wang", None) if customer.team == "cards" else ("agent.zhao", None)
        count = 2 if customer.phone == DEMO_CALLER else rng.randint(1, 3)
        for n in range(count):
            category, subject, description, fields = pool[(index + n) % len(pool)] if n else rng.choice(pool)
            if customer.phone == DEMO_CALLER:
                category, subject, description, fields = pool[n]  # card loss + refund
            values = {
                "last4": f"{rng.randrange(10000):04d}",
                "amount": f"{rng.choice((89, 199, 358, 1280, 2599, 45))}",
                "merchant": rng.choice(_MERCHANTS),
                "acct": f"{rng.randrange(10**9):09d}",
            }
            filled = {k: v.format(**values) if isinstance(v, str) else v for k, v in fields.items()}
            if "amount" in filled:
                filled["amount"] = int(str(filled["amount"]))
            is_caller = customer.phone == DEMO_CALLER
            status = (
                TicketStatus.IN_PROGRESS
                if is_caller
                else rng.choice(
                    (
                        TicketStatus.NEW,
                        TicketStatus.IN_PROGRESS,
                        TicketStatus.PENDING_CUSTOMER,
                        TicketStatus.RESOLVED,
                        TicketStatus.CLOSED,
                    )
                )
            )
            notes: tuple[tuple[str, bool], ...] = (("已与客户核实身份，记录诉求。", False),)
            if status in (TicketStatus.RESOLVED, TicketStatus.CLOSED):
                notes += (("问题已处理完毕，感谢您的耐心等待。", True),)
            tickets.append(
                DemoTicket(
                    customer=customer,
                    subject=subject,
                    description=description.format(**values),
                    category=category,
                    priority=rng.choice(
                        (TicketPriority.NORMAL, TicketPriority.NORMAL, TicketPriority.HIGH, TicketPriority.LOW)
                    )
                    if not is_caller
                    else TicketPriority.HIGH,
                    status=status,
                    custom_fields=filled,
                    age=timedelta(hours=rng.randint(1, 96)) if not is_caller else timedelta(hours=3 + 2 * n),
                    assignee="agent.li" if is_caller else rng.choice(agents),
                    notes=notes,
                )
            )
    return tickets
