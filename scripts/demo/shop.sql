-- A marketplace shaped like the ones parquet-publisher serves: 48k sellers, 2M offers skewed
-- over sellers, 1.2M orders skewed over offers and growing over two years, money as DECIMAL,
-- statuses as ENUM, NULLs where real data has them. Generated on the server with MariaDB's
-- Sequence engine (seq_1_to_N): no client round trips. RAND(seed) per row keeps it
-- deterministic.
SET SESSION sql_mode = 'STRICT_TRANS_TABLES,NO_ENGINE_SUBSTITUTION';

CREATE TABLE sellers (
  id INT UNSIGNED NOT NULL PRIMARY KEY,
  name VARCHAR(64) NOT NULL,
  country CHAR(2) NULL,
  rating DECIMAL(3,2) NULL,
  verified TINYINT(1) NOT NULL,
  created_at DATETIME NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  KEY (updated_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

INSERT INTO sellers
SELECT seq,
       CONCAT(ELT(1 + seq % 8, 'Nord', 'Sud', 'Ost', 'West', 'Mega', 'Eco', 'Retro', 'Urban'), ' ',
              ELT(1 + (seq DIV 8) % 6, 'Shop', 'Store', 'Outlet', 'Market', 'Trade', 'Goods'), ' #', seq),
       IF(RAND(seq) < 0.04, NULL, ELT(1 + FLOOR(POW(RAND(seq * 3), 2) * 8), 'DE', 'PL', 'CZ', 'FR', 'NL', 'AT', 'SK', 'HU')),
       IF(RAND(seq * 5) < 0.15, NULL, ROUND(2.5 + RAND(seq * 7) * 2.5, 2)),
       RAND(seq * 11) < 0.7,
       TIMESTAMPADD(MINUTE, FLOOR(RAND(seq * 13) * 1051200), '2022-01-01'),
       TIMESTAMPADD(MINUTE, FLOOR(RAND(seq * 13) * 1051200) + FLOOR(RAND(seq * 17) * 40000), '2022-01-01')
FROM seq_1_to_48000;

CREATE TABLE offers (
  id INT UNSIGNED NOT NULL PRIMARY KEY,
  seller_id INT UNSIGNED NOT NULL,
  title VARCHAR(120) NOT NULL,
  category ENUM('electronics', 'home', 'fashion', 'toys', 'sports', 'books', 'beauty', 'garden') NOT NULL,
  price DECIMAL(12,2) NOT NULL,
  stock INT NOT NULL,
  active TINYINT(1) NOT NULL,
  ean CHAR(13) NULL,
  created_at DATETIME(6) NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  KEY (seller_id),
  KEY (updated_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- A few sellers hold most offers (POW(RAND, 3) piles onto small ids).
INSERT INTO offers
SELECT seq,
       1 + FLOOR(POW(RAND(seq), 3) * 48000),
       CONCAT(ELT(1 + seq % 10, 'Wireless', 'Classic', 'Premium', 'Compact', 'Organic', 'Vintage', 'Smart', 'Pro', 'Mini', 'Deluxe'), ' ',
              ELT(1 + (seq DIV 10) % 12, 'headphones', 'lamp', 'jacket', 'puzzle', 'bottle', 'novel', 'cream', 'chair', 'watch', 'backpack', 'kettle', 'sneakers'),
              ' ', seq % 997),
       ELT(1 + FLOOR(POW(RAND(seq * 3), 1.5) * 8), 'electronics', 'home', 'fashion', 'toys', 'sports', 'books', 'beauty', 'garden'),
       ROUND(EXP(RAND(seq * 7) * LN(2000)) + 0.99, 2),
       FLOOR(RAND(seq * 11) * 500),
       RAND(seq * 13) < 0.85,
       IF(RAND(seq * 17) < 0.3, NULL, LPAD(seq * 7919 % 10000000000000, 13, '0')),
       TIMESTAMPADD(SECOND, FLOOR(RAND(seq * 19) * 63072000), '2023-01-01'),
       TIMESTAMPADD(SECOND, FLOOR(RAND(seq * 19) * 63072000) + FLOOR(RAND(seq * 23) * 2592000), '2023-01-01')
FROM seq_1_to_2000000;

CREATE TABLE orders (
  id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  offer_id INT UNSIGNED NOT NULL,
  seller_id INT UNSIGNED NOT NULL,
  buyer_id INT UNSIGNED NOT NULL,
  status ENUM('new', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded') NOT NULL,
  quantity SMALLINT UNSIGNED NOT NULL,
  unit_price DECIMAL(12,2) NOT NULL,
  total DECIMAL(14,2) NOT NULL,
  currency CHAR(3) NOT NULL,
  country CHAR(2) NULL,
  channel VARCHAR(16) NOT NULL,
  coupon_code VARCHAR(16) NULL,
  note TEXT NULL,
  created_at DATETIME(6) NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  KEY (updated_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Orders grow over two years (POW(x, 0.7) puts more of them in recent months), come mostly in
-- the evening, and pile onto popular offers (a hash to the fourth power); the seller and price come from the
-- offer, by its primary key.
INSERT INTO orders
SELECT o.seq,
       f.id,
       f.seller_id,
       1 + FLOOR(RAND(o.seq * 3) * 900000),
       ELT(1 + FLOOR(POW(RAND(o.seq * 5), 0.35) * 6), 'cancelled', 'refunded', 'new', 'paid', 'shipped', 'delivered'),
       1 + FLOOR(POW(RAND(o.seq * 7), 6) * 5),
       f.price,
       f.price * (1 + FLOOR(POW(RAND(o.seq * 7), 6) * 5)) + IF(RAND(o.seq * 11) < 0.3, 4.99, 0),
       ELT(1 + FLOOR(POW(RAND(o.seq * 13), 2) * 3), 'EUR', 'PLN', 'CZK'),
       IF(RAND(o.seq * 17) < 0.06, NULL, ELT(1 + FLOOR(POW(RAND(o.seq * 19), 2) * 8), 'DE', 'PL', 'CZ', 'FR', 'NL', 'AT', 'SK', 'HU')),
       ELT(1 + FLOOR(RAND(o.seq * 23) * 4), 'web', 'ios', 'android', 'api'),
       IF(RAND(o.seq * 29) < 0.92, NULL, CONCAT('SAVE', 5 * (1 + FLOOR(RAND(o.seq * 31) * 6)))),
       IF(RAND(o.seq * 37) < 0.8, NULL, ELT(1 + FLOOR(RAND(o.seq * 41) * 6),
          'please deliver after 5pm', 'leave at the door', 'gift wrap please', 'call before arrival', 'fragile', 'company invoice, VAT ID attached')),
       o.created_at,
       TIMESTAMPADD(SECOND, FLOOR(POW(RAND(o.seq * 43), 3) * 604800), o.created_at)
FROM (
  SELECT seq,
         TIMESTAMPADD(SECOND,
           FLOOR(POW(seq / 1200000, 0.7) * 63072000 / 86400) * 86400
             + IF(RAND(seq * 47) < 0.6, 61200 + FLOOR(RAND(seq * 53) * 21600), FLOOR(RAND(seq * 53) * 86400)),
           '2024-01-01') AS created_at,
         -- A multiplicative hash instead of RAND(): the join needs a deterministic key to
         -- look the offer up by its primary key.
         1 + FLOOR(POW(((seq * 2654435761) % 4294967291) / 4294967291, 4) * 2000000) AS offer_id
  FROM seq_1_to_1200000
) AS o
JOIN offers AS f ON f.id = o.offer_id;
