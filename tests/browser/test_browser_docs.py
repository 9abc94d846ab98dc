"""The built documentation in headless Chromium, in a window 1280 pixels
wide and on a phone's screen (390 pixels, as the phone's browser lays a
page out): no code block hides part of its lines, and no page runs off
the screen.

In the wide window every line of every code block fits its block. On the
phone, a line longer than its block gives the block a scrollbar; it is
never cut off, and the block never spills over the page.
"""
import base64
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parent / 'artifacts'
DOCS = Path(__file__).resolve().parents[2] / 'docs'

pytestmark = pytest.mark.slow

#: Every page written in docs/ (the built index pages have no code).
PAGES = sorted(f'{source.stem}.html' for source in DOCS.glob('*.rst'))

# For every code block of the page: its first line, whether its content is
# wider than the block, the block's horizontal overflow style, and whether
# the block itself reaches past the page's content column.
MEASURE_BLOCKS = """
const column = document.querySelector('div.body').getBoundingClientRect();
return Array.from(document.querySelectorAll('div.body pre')).map(pre => {
  const box = pre.getBoundingClientRect();
  return {
    first_line: pre.textContent.split('\\n')[0],
    overflows: pre.scrollWidth > pre.clientWidth,
    overflow_x: getComputedStyle(pre).overflowX,
    past_column: box.right > column.right + 1,
  };
});
"""

# How wide the page is, and how wide the window shows it.
MEASURE_PAGE = """
return {page: document.documentElement.scrollWidth,
        window: document.documentElement.clientWidth};
"""


def full_page_screenshot(driver, path):
    """Save a PNG of the whole page, not only the visible part."""
    shot = driver.execute_cdp_cmd(
        'Page.captureScreenshot', {'captureBeyondViewport': True, 'fromSurface': True})
    path.write_bytes(base64.b64decode(shot['data']))


def as_a_phone(driver):
    """Make the window a phone's screen: 390 CSS pixels wide, three device
    pixels each, laid out as a mobile browser does (it reads the pages'
    viewport tag)."""
    driver.execute_cdp_cmd('Emulation.setDeviceMetricsOverride', {
        'width': 390, 'height': 844, 'deviceScaleFactor': 3, 'mobile': True})


def blocks_of_every_page(driver, built_docs, shots):
    """The measured code blocks of every page, as (page, block) pairs; a
    screenshot of the tutorial goes to ``shots``."""
    measured = []
    for page in PAGES:
        driver.get((built_docs / page).as_uri())
        measured.extend((page, block) for block in driver.execute_script(MEASURE_BLOCKS))
        if page == 'tutorial.html':
            shots.mkdir(parents=True, exist_ok=True)
            full_page_screenshot(driver, shots / page.replace('.html', '.png'))
    return measured


def test_every_code_line_fits_its_block_in_a_1280_pixel_window(chromium, built_docs):
    chromium.set_window_size(1280, 900)
    blocks = blocks_of_every_page(chromium, built_docs, ARTIFACTS / 'docs-1280')
    assert len(blocks) > 100
    cut = [f"{page}: {block['first_line']}" for page, block in blocks if block['overflows']]
    assert cut == [], f'code blocks wider than their lines can show: {cut}'


def test_code_blocks_on_a_phone_scroll_instead_of_cutting_lines(chromium, built_docs):
    as_a_phone(chromium)
    blocks = blocks_of_every_page(chromium, built_docs, ARTIFACTS / 'docs-390')
    # Many lines are longer than a phone is wide: the check has something
    # to see.
    assert sum(block['overflows'] for _, block in blocks) > 50
    cut = [f"{page}: {block['first_line']}" for page, block in blocks
           if block['overflows'] and block['overflow_x'] not in ('auto', 'scroll')]
    assert cut == [], f'code blocks that cut their long lines off: {cut}'


def test_no_code_block_on_a_phone_is_wider_than_the_page_column(chromium, built_docs):
    as_a_phone(chromium)
    blocks = blocks_of_every_page(chromium, built_docs, ARTIFACTS / 'docs-390')
    spilling = [f"{page}: {block['first_line']}" for page, block in blocks
                if block['past_column']]
    assert spilling == [], f'code blocks wider than the page column: {spilling}'


def test_no_page_is_wider_than_a_phone_screen(chromium, built_docs):
    # Long words of inline code and wide tables must not make the reader
    # scroll the whole page sideways.
    as_a_phone(chromium)
    too_wide = []
    for page in PAGES:
        chromium.get((built_docs / page).as_uri())
        width = chromium.execute_script(MEASURE_PAGE)
        assert width['window'] == 390
        if width['page'] > width['window']:
            too_wide.append(f"{page}: {width['page']} pixels")
    assert too_wide == []


def test_the_check_sees_a_code_block_that_cuts_its_lines(chromium, built_docs):
    # The same page with the theme's scrollbars turned off, as a theme
    # that clips long lines would have it: the measurement must notice.
    as_a_phone(chromium)
    chromium.get((built_docs / 'deployment.html').as_uri())
    chromium.execute_script(
        "const style = document.createElement('style');"
        "style.textContent = 'div.body pre { overflow: hidden !important; }';"
        "document.head.appendChild(style);")
    blocks = chromium.execute_script(MEASURE_BLOCKS)
    assert [block for block in blocks
            if block['overflows'] and block['overflow_x'] not in ('auto', 'scroll')]
