"""The smallest application: one page that says hello.

Run it with ``python hello.py`` and open http://127.0.0.1:5000/.
"""
from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello_world():
    return "Hello World!"


if __name__ == "__main__":
    app.run(host="127.0.0.1")
