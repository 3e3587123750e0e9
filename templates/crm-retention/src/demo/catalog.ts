/** The demo shop: a five-store bakery chain in the Yangtze delta, its products and its people. */

export interface DemoStore {
  code: string
  name: string
  city: string
  address: string
  phone: string
  openedOn: string
  /** Share of customers registered here. */
  weight: number
}

export const demoStores: readonly DemoStore[] = [
  {
    code: 'SH01',
    name: '麦香坊 静安店',
    city: 'shanghai',
    address: '上海市静安区南京西路 1266 号',
    phone: '021-62881234',
    openedOn: '2016-05-18',
    weight: 0.3,
  },
  {
    code: 'SH02',
    name: '麦香坊 徐汇店',
    city: 'shanghai',
    address: '上海市徐汇区天钥桥路 380 号',
    phone: '021-64265678',
    openedOn: '2018-09-01',
    weight: 0.22,
  },
  {
    code: 'HZ01',
    name: '麦香坊 西湖店',
    city: 'hangzhou',
    address: '杭州市西湖区文三路 478 号',
    phone: '0571-87051234',
    openedOn: '2019-04-12',
    weight: 0.18,
  },
  {
    code: 'SZ01',
    name: '麦香坊 园区店',
    city: 'suzhou',
    address: '苏州市工业园区苏州大道东 265 号',
    phone: '0512-62881122',
    openedOn: '2020-10-20',
    weight: 0.16,
  },
  {
    code: 'NJ01',
    name: '麦香坊 新街口店',
    city: 'nanjing',
    address: '南京市秦淮区中山南路 89 号',
    phone: '025-84701234',
    openedOn: '2022-03-08',
    weight: 0.14,
  },
]

export interface DemoProduct {
  sku: string
  name: string
  category: string
  /** Price in fen (1/100 yuan): integer arithmetic keeps every amount exact. */
  price: number
  /** How often it lands in an everyday basket. */
  popularity: number
  replenishmentDays?: number
  season?: 'mooncake' | 'new_year'
}

export const demoProducts: readonly DemoProduct[] = [
  { sku: 'BR-TOAST', name: '牛奶吐司', category: 'bread', price: 1800, popularity: 10, replenishmentDays: 5 },
  { sku: 'BR-WHOLE', name: '全麦吐司', category: 'bread', price: 2200, popularity: 5, replenishmentDays: 5 },
  { sku: 'BR-CROIS', name: '黄油可颂', category: 'bread', price: 1200, popularity: 9 },
  { sku: 'BR-BAGUE', name: '法式长棍', category: 'bread', price: 1500, popularity: 4 },
  { sku: 'BR-FLOSS', name: '肉松面包', category: 'bread', price: 1000, popularity: 8 },
  { sku: 'BR-PINEA', name: '菠萝包', category: 'bread', price: 800, popularity: 6 },
  { sku: 'CK-BD6', name: '6 寸生日蛋糕', category: 'cake', price: 19800, popularity: 0.6 },
  { sku: 'CK-BD8', name: '8 寸生日蛋糕', category: 'cake', price: 26800, popularity: 0.4 },
  { sku: 'CK-CHEES', name: '芝士蛋糕（切块）', category: 'cake', price: 3200, popularity: 4 },
  { sku: 'CK-TIRAM', name: '提拉米苏', category: 'cake', price: 3500, popularity: 3 },
  { sku: 'DS-TART4', name: '葡式蛋挞（4 只装）', category: 'dessert', price: 2400, popularity: 6 },
  { sku: 'DS-MACAR', name: '马卡龙礼盒', category: 'dessert', price: 6800, popularity: 1 },
  { sku: 'DS-PUFF', name: '奶油泡芙', category: 'dessert', price: 1500, popularity: 4 },
  { sku: 'DR-AMERI', name: '美式咖啡', category: 'drink', price: 1800, popularity: 7 },
  { sku: 'DR-LATTE', name: '拿铁', category: 'drink', price: 2600, popularity: 6 },
  {
    sku: 'DR-MILK',
    name: '鲜牛奶 950ml',
    category: 'drink',
    price: 1800,
    popularity: 4,
    replenishmentDays: 7,
  },
  {
    sku: 'CB-ESPR',
    name: '意式拼配咖啡豆 250g',
    category: 'coffee_beans',
    price: 9800,
    popularity: 1.2,
    replenishmentDays: 30,
  },
  {
    sku: 'CB-DRIP',
    name: '挂耳咖啡（10 包）',
    category: 'coffee_beans',
    price: 5900,
    popularity: 1.5,
    replenishmentDays: 20,
  },
  {
    sku: 'GB-MOON',
    name: '中秋月饼礼盒',
    category: 'gift_box',
    price: 26800,
    popularity: 0,
    season: 'mooncake',
  },
  {
    sku: 'GB-LAVA',
    name: '流心奶黄月饼礼盒',
    category: 'gift_box',
    price: 32800,
    popularity: 0,
    season: 'mooncake',
  },
  {
    sku: 'GB-NEWYR',
    name: '新春年货礼盒',
    category: 'gift_box',
    price: 28800,
    popularity: 0,
    season: 'new_year',
  },
  {
    sku: 'GB-NUTS',
    name: '每日坚果礼盒',
    category: 'gift_box',
    price: 16800,
    popularity: 0.3,
    season: 'new_year',
  },
]

/** "Bought A, often bought B too": pairs the cross-sell report should find in the order lines. */
export const demoProductPairs: ReadonlyArray<readonly [string, string, number]> = [
  ['CB-ESPR', 'BR-CROIS', 0.5],
  ['CB-DRIP', 'BR-CROIS', 0.35],
  ['BR-TOAST', 'DR-MILK', 0.4],
  ['CK-BD6', 'DS-TART4', 0.3],
  ['DR-LATTE', 'BR-CROIS', 0.3],
]

export const surnames = [
  ...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢',
]
export const givenNameChars = [
  ...'伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂兰玉萍红鹏华飞鑫波宇浩凯晨瑶雪琳欣怡梓涵子轩雨萱思彤佳琪嘉宁天佑一诺',
]

export const companies = [
  '启明科技',
  '沪江教育',
  '云帆网络',
  '锦程物流',
  '华信会计师事务所',
  '绿野建筑设计',
  '星河传媒',
  '博雅医疗',
  '东方律师事务所',
  '远景新能源',
  '恒通银行支行',
  '优选电商',
]

/** User ids of the demo staff (identity comes with access control; these are plain ids until then). */
export const managerOf = (store: DemoStore) => `mgr_${store.code.toLowerCase()}`
export const clerksOf = (store: DemoStore) => [1, 2].map((n) => `clerk_${store.code.toLowerCase()}_${n}`)
export const serviceAgents = ['agent_1', 'agent_2', 'agent_3']
export const salesReps = ['sales_1', 'sales_2']
